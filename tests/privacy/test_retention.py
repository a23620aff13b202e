"""The retention job (PRIV-14) with the injected clock: what has expired goes, a second run does nothing, an
interrupted run resumes and finishes.

Member 1 is current; member 5's only membership ended on 1 January 2026. Both were active on
10 January 2026. 400 days later, periods of a year have run out: from recording for everyone
(devices, sessions), from the end of the relationship for member 5 only (name, contacts, account) —
with the privacy centre closing when the membership ends (PRIVACY_CENTRE_AFTER_END_DAYS = 0), except
in the test of that period.
"""

import datetime as dt

import pytest
from django.db import connection

from memberarea.core import clock
from memberarea.core.jobs import JOBS
from memberarea.enrollment.models import Membership, Person
from memberarea.identity.models import Account, Role, SessionRecord
from memberarea.identity.services import account_create
from memberarea.privacy import holdings
from memberarea.privacy.models import ConsentRecord, RetentionRun, RetentionState
from memberarea.privacy.retention import retention_due, retention_run
from tests.backoffice.conftest import make_staff
from tests.enrollment.records import import_members, import_policies, member_row, nif, policy_row
from tests.privacy.activity import member_activity

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-14")]
ACTIVE = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
LATER = ACTIVE + dt.timedelta(days=400)
PASSWORD = "Lindero7Azul"


@pytest.fixture
def accounts(settings) -> dict[int, Account]:
    settings.PRIVACY_CENTRE_AFTER_END_DAYS = 0
    with clock.frozen(ACTIVE):
        staff = make_staff(Role.AGENT)
        import_policies(policy_row(policy_number="POL-100"), policy_row(policy_number="POL-500"))
        import_members([member_row(1), member_row(5, policy_number="POL-500", end_date="2026-01-01")])
        made = {}
        for number in (1, 5):
            account = account_create(username=nif(f"{10000000 + number}"), password=PASSWORD, language="es")
            Person.objects.filter(memberships__member_number=f"M{number:06d}").update(account=account)
            member_activity(account, staff, PASSWORD)
            made[number] = account
    return made


def dump_but_the_runs() -> str:
    """Every value of every table except the runs' own records."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in {RetentionRun._meta.db_table, "core_periodicjobstate"}:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # nosec B608  (table names only)
            parts.extend(str(row) for row in cursor.fetchall())
    return "\n".join(parts)


def membership(number: int) -> Membership:
    return Membership.objects.get(person__memberships__member_number=f"M{number:06d}")


def assert_expired_as_the_map_says(accounts: dict[int, Account]) -> None:
    current, ended = accounts[1], accounts[5]
    assert set(SessionRecord.objects.filter(account=current).values_list("device", flat=True)) == {""}, "a year"
    assert not SessionRecord.objects.filter(account=ended).exists(), "a year, and the relationship ended"
    assert membership(1).first_name == "Nombre" and membership(1).email == "persona1@example.invalid"
    assert Account.objects.get(pk=current.pk).username == current.username
    stub = Membership.objects.get(person__account=ended)
    assert (stub.first_name, stub.email, stub.member_number[:7]) == ("", None, "erased-")
    assert stub.created_at == ACTIVE, "anonymised after two years only"
    assert Account.objects.get(pk=ended.pk).username == ""
    assert ConsentRecord.objects.filter(account=ended).count() == 2, "kept six years: proof of consent"


def test_expired_data_goes_and_a_second_run_does_nothing(accounts):
    with clock.frozen(LATER):
        run = retention_run()

    assert run.state == RetentionState.FINISHED and run.finished_at is not None
    assert run.counts["identity.SessionRecord"]["deleted"] == 2
    assert run.counts["enrollment.Membership"]["erase:name"] == 1
    assert_expired_as_the_map_says(accounts)
    assert "Nombre" not in str(run.counts) and "persona5" not in str(run.counts)

    dump = dump_but_the_runs()
    with clock.frozen(LATER + dt.timedelta(hours=1)):
        again = retention_run()
    assert again.pk != run.pk and again.state == RetentionState.FINISHED
    assert again.counts == {}
    assert dump_but_the_runs() == dump


def test_nothing_of_a_current_member_goes_before_its_time(accounts):
    current = Person.objects.get(account=accounts[1])
    before = holdings.access_export(current)["records"]
    with clock.frozen(ACTIVE + dt.timedelta(days=300)):
        run = retention_run()
    assert holdings.access_export(current)["records"] == before
    assert run.counts["identity.Account"]["erase:credential"] == 1, "member 5's password: the relationship ended"


def test_an_interrupted_run_resumes_where_it_stopped_and_finishes(accounts):
    with clock.frozen(LATER):
        interrupted = retention_run(batch_rows=1, max_batches=4)
        assert interrupted.state == RetentionState.RUNNING and interrupted.batches == 4
        assert interrupted.cursor != {"step": 0, "after": None}

    with clock.frozen(LATER + dt.timedelta(minutes=5)):
        resumed = retention_run(batch_rows=1)

    assert resumed.pk == interrupted.pk and resumed.state == RetentionState.FINISHED and resumed.batches > 4
    assert resumed.counts["identity.SessionRecord"]["deleted"] == 2
    assert_expired_as_the_map_says(accounts)
    with clock.frozen(LATER + dt.timedelta(minutes=10)):
        assert retention_run().counts == {}


def test_the_worker_job_runs_it_once_a_day(accounts, settings):
    settings.RETENTION_BATCHES_PER_SWEEP = 2
    job = JOBS["retention"].run
    with clock.frozen(LATER):
        assert retention_due()
        assert "running after 2 batches" in job()
        while "finished" not in (outcome := job()):
            assert "running" in outcome
    with clock.frozen(LATER + dt.timedelta(hours=2)):
        assert not retention_due() and job() == "not due"
    with clock.frozen(LATER + dt.timedelta(hours=25)):
        assert retention_due()
    assert_expired_as_the_map_says(accounts)


def test_the_relationship_ends_when_the_privacy_centre_closes_after_the_last_policy(accounts, settings):
    settings.PRIVACY_CENTRE_AFTER_END_DAYS = 365
    ended = Person.objects.get(account=accounts[5])
    before = holdings.access_export(ended)["records"]["enrollment.Membership"]
    with clock.frozen(ACTIVE + dt.timedelta(days=300)):
        retention_run()
    assert holdings.access_export(ended)["records"]["enrollment.Membership"] == before
    assert Account.objects.get(pk=accounts[5].pk).check_password(PASSWORD), "they can still sign in"
    with clock.frozen(LATER):
        retention_run()
    assert membership(5).first_name == "Nombre", "a year after the centre closed, not yet"
    assert Account.objects.get(pk=accounts[5].pk).password == "", "credentials go when it closes"
