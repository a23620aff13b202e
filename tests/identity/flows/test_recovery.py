"""Password recovery (REC-1..4) through its functions: equal work for every username, the link's lifetime and
single use, and everything a new password does to the account."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks.base import TaskContext
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from memberarea.core import clock
from memberarea.core.crypto import blind_index
from memberarea.core.models import AuditEntry, UsedCaptcha
from memberarea.core.tasks import tasks_recover
from memberarea.enrollment.models import Membership
from memberarea.identity.backends import DocumentBackend
from memberarea.identity.flows import recovery
from memberarea.identity.freeze import account_freeze
from memberarea.identity.models import (
    Account,
    PasswordHistory,
    RecoveryToken,
    Role,
    SecurityCase,
    SessionKind,
    SessionRecord,
    TrustedDevice,
)
from memberarea.identity.services import account_create
from memberarea.identity.usernames import username_index
from memberarea.notifications.models import DevOutboxEntry, Message
from tests.captcha_solving import captcha_answer
from tests.core.conftest import run_together
from tests.enrollment.records import import_members, member_row, nif
from tests.identity.registering import HOLDER_NIF, PASSWORD, error_code

pytestmark = pytest.mark.django_db

EMAIL = "persona1@example.invalid"
MOBILE = "+34600000001"
NEW_PASSWORD = "Marea7Tranquila"
LINK = re.compile(r"/password-reset/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _quick_captcha(settings):
    """A small proof of work keeps the many solves fast; the real difficulty is tested in tests/core."""
    settings.CAPTCHA_MAX_NUMBER = 2_000


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """`ask(username, address=…)`: a recovery request with a solved captcha, its queued job committed."""

    def _ask(username: str = HOLDER_NIF, *, address: str = "192.0.2.1", captcha: str | None = "solve") -> None:
        with django_capture_on_commit_callbacks(execute=True):
            recovery.recovery_request(
                username=username,
                captcha=captcha_answer() if captcha == "solve" else captcha,
                address=address,
                language="es",
            )

    return _ask


def run_queued_jobs() -> int:
    """What the worker does with the queued recovery and reminder jobs; returns how many ran."""
    rows = list(DBTaskResult.objects.ready().filter(task_path__startswith="memberarea.identity.flows."))
    for row in rows:
        row.task.call(TaskContext(task_result=row.task_result), *row.task_result.args, **row.task_result.kwargs)
        row.delete()
    return len(rows)


def emailed_token(to: str = EMAIL) -> str:
    """The token of the newest recovery link sent to `to`, read from the message as the member would."""
    sent = [m for m in Message.objects.filter(template="password_reset").order_by("-created_at") if m.to == to]
    assert sent, f"no recovery link was sent to {to}"
    return LINK.search(sent[0].body_text).group(1)


def link_sent(username: str = HOLDER_NIF) -> str:
    """Run the worker's half directly, as the queued job would, and return the emailed token."""
    recovery.recovery_link_send.enqueue(username_index(username), "es")
    run_queued_jobs()
    return emailed_token()


def sql_shapes(queries) -> list[str]:
    """The statements with their values blanked: what differs between two subjects, not what was done."""
    return [re.sub(r"'[^']*'|\d+", "?", query["sql"]) for query in queries]


def _session(account: Account) -> SessionRecord:
    now = clock.now()
    return SessionRecord.objects.create(
        account=account, kind=SessionKind.APP, created_at=now, last_seen_at=now, expires_at=now + dt.timedelta(days=1)
    )


# --- the request (REC-1) -------------------------------------------------------------------------
@pytest.mark.req("REC-1")
def test_a_request_costs_the_same_for_an_existing_and_an_unknown_username(member_account, ask):
    """REL-5: the same queries and one identical-looking queued job; the account is looked up in the worker."""
    work = []
    for number, username in enumerate((HOLDER_NIF, nif("99999999"))):
        with CaptureQueriesContext(connection) as queries:
            ask(username, address=f"192.0.2.{number + 50}")
        jobs = list(DBTaskResult.objects.order_by("enqueued_at"))[number:]
        assert len(jobs) == 1
        args = jobs[0].task_result.args
        work.append((sql_shapes(queries), jobs[0].task_path, [len(arg) for arg in args], args[1]))
    assert work[0] == work[1]
    assert work[0][1] == "memberarea.identity.flows.recovery.recovery_link_send"
    assert not RecoveryToken.objects.exists() and not Message.objects.filter(template="password_reset").exists()


@pytest.mark.req("REC-1")
def test_the_queued_job_carries_a_keyed_hash_never_the_document(member_account, ask):
    ask(HOLDER_NIF.lower())
    [job] = DBTaskResult.objects.all()
    assert job.task_result.args == [username_index(HOLDER_NIF), "es"]
    assert HOLDER_NIF not in str(job.args_kwargs)


@pytest.mark.req("REC-1")
@pytest.mark.req("REC-2")
def test_the_worker_emails_a_link_to_every_verified_email_in_the_accounts_language(member_account, ask, settings):
    import_members([member_row(7, document_number=HOLDER_NIF, email="otra@example.invalid")])  # a re-joiner
    Membership.objects.filter(member_number="M000001").update(language="en")
    Account.objects.filter(pk=member_account.pk).update(language="en")
    ask()
    assert run_queued_jobs() == 1
    sent = Message.objects.filter(template="password_reset")
    assert {m.to for m in sent} == {EMAIL, "otra@example.invalid"}
    [link] = RecoveryToken.objects.all()
    for message in sent:
        assert message.language == "en" and message.contains_secret and message.expires_at == link.expires_at
        assert f"{settings.PUBLIC_BASE_URL}/password-reset/" in message.body_text and "24 hours" in message.body_text
    assert link.expires_at - link.created_at == dt.timedelta(hours=24)
    assert link.token_hash == blind_index("recovery-token", emailed_token())
    assert AuditEntry.objects.filter(event="recovery.link_sent", subject_id=str(member_account.pk)).exists()


@pytest.mark.req("REC-1")
def test_unknown_staff_only_and_email_less_accounts_get_nothing(member_account, ask):
    account_create(username="DEMO-STAFF", password=NEW_PASSWORD, roles=(Role.AGENT,))
    ask(nif("99999999"))
    ask("DEMO-STAFF", address="192.0.2.2")
    Membership.objects.update(email_verified=False, email_from_insurer=False)
    ask(address="192.0.2.3")
    assert run_queued_jobs() == 3
    assert not RecoveryToken.objects.exists() and not Message.objects.filter(template="password_reset").exists()


@pytest.mark.req("REC-1")
@pytest.mark.parametrize(("captcha", "code"), [(None, "captcha_required"), ("bm90IGEgc29sdXRpb24=", "captcha_invalid")])
def test_the_captcha_is_always_required(member_account, ask, captcha, code):
    assert error_code(ask, captcha=captcha) == code
    assert not DBTaskResult.objects.exists()


@pytest.mark.req("REC-1")
@pytest.mark.parametrize("username", ["", "   ", "ÑÑ!!", "X" * 10_000, "\ud800" * 9, "ABC"])
def test_something_that_is_not_a_document_is_invalid_and_costs_nothing(ask, username):
    assert error_code(ask, username) == "invalid"
    assert not DBTaskResult.objects.exists() and not UsedCaptcha.objects.exists()


@pytest.mark.req("REC-1")
def test_requests_are_limited_per_username_across_addresses_and_per_address(member_account, ask, settings):
    settings.RECOVERY_REQUESTS_PER_HOUR = 2
    ask(address="192.0.2.1")
    ask(address="192.0.2.2")
    assert error_code(ask, address="192.0.2.3") == "rate_limited"
    ask(nif("20000002"), address="192.0.2.9")
    ask(nif("30000003"), address="192.0.2.9")
    assert error_code(ask, nif("40000004"), address="192.0.2.9") == "rate_limited"
    assert DBTaskResult.objects.count() == 4


@pytest.mark.req("REC-1")
def test_the_limit_is_an_hour(member_account, ask, settings, frozen_clock):
    settings.RECOVERY_REQUESTS_PER_HOUR = 1
    ask()
    assert error_code(ask) == "rate_limited"
    frozen_clock.advance(hours=1)
    ask()


# --- the link (REC-2) ----------------------------------------------------------------------------
@pytest.mark.req("REC-2")
def test_the_link_lives_24_hours(member_account, frozen_clock):
    token = link_sent()
    frozen_clock.advance(hours=24, seconds=-1)
    assert recovery.recovery_link_get(token=token).account == member_account
    frozen_clock.advance(seconds=1)
    assert error_code(recovery.recovery_link_get, token=token) == "link_invalid"
    assert error_code(recovery.recovery_complete, token=token, password=NEW_PASSWORD) == "link_invalid"
    assert check_password(PASSWORD, Account.objects.get().password)


@pytest.mark.req("REC-2")
def test_the_link_works_once(member_account):
    token = link_sent()
    recovery.recovery_complete(token=token, password=NEW_PASSWORD)
    assert error_code(recovery.recovery_complete, token=token, password="Otra7Clave") == "link_invalid"
    assert check_password(NEW_PASSWORD, Account.objects.get().password)


@pytest.mark.req("REC-2")
def test_a_newer_link_replaces_the_older(member_account):
    older = link_sent()
    newer = link_sent()
    assert RecoveryToken.objects.filter(superseded_at__isnull=False).count() == 1
    assert error_code(recovery.recovery_complete, token=older, password=NEW_PASSWORD) == "link_invalid"
    recovery.recovery_complete(token=newer, password=NEW_PASSWORD)


@pytest.mark.req("REC-2")
def test_a_password_change_kills_every_link(member_account):
    tokens = [link_sent(), link_sent()]
    assert recovery.recovery_tokens_supersede(account=member_account) == 1
    for token in tokens:
        assert error_code(recovery.recovery_link_get, token=token) == "link_invalid"


@pytest.mark.req("REC-2")
def test_opening_the_link_reads_only(member_account):
    token = link_sent()
    recovery.recovery_link_get(token=token)
    assert RecoveryToken.objects.get().used_at is None


@pytest.mark.req("REC-2")
@pytest.mark.parametrize("token", ["", "short", "x" * 10_000, "\ud800" * 43, "a b" * 20, None, 12345])
def test_anything_else_is_an_invalid_link(member_account, token):
    link_sent()
    assert error_code(recovery.recovery_complete, token=token, password=NEW_PASSWORD) == "link_invalid"


@pytest.mark.req("REC-2")
def test_only_a_keyed_hash_of_the_token_is_stored(member_account):
    token = link_sent()
    assert token not in str(list(RecoveryToken.objects.values()))
    assert len(token) >= 43  # 32 random bytes


# --- the new password (REC-3, REC-4) -------------------------------------------------------------
@pytest.mark.req("REC-3")
def test_a_new_password_ends_everything_and_tells_every_contact(member_account):
    sessions = [_session(member_account), _session(member_account)]
    now = clock.now()
    TrustedDevice.objects.create(
        account=member_account,
        token_hash="d" * 64,
        created_at=now,
        last_used_at=now,
        expires_at=now + dt.timedelta(days=30),
    )
    token = link_sent()
    account = recovery.recovery_complete(token=token, password=NEW_PASSWORD)

    account.refresh_from_db()
    assert check_password(NEW_PASSWORD, account.password) and account.password_changed_at is not None
    assert PasswordHistory.objects.filter(account=account).count() == 2
    for session in sessions:
        session.refresh_from_db()
        assert session.ended_at is not None and session.end_reason == "password_recovered"
    assert not TrustedDevice.objects.filter(revoked_at__isnull=True).exists()
    notices = Message.objects.filter(template="password_changed")
    assert {(m.channel, m.to) for m in notices} == {("email", EMAIL), ("sms", MOBILE)}
    assert all(not m.contains_secret for m in notices)
    assert AuditEntry.objects.filter(event="account.password_recovered", subject_id=str(account.pk)).exists()
    assert DocumentBackend().authenticate(None, username=HOLDER_NIF, password=NEW_PASSWORD) == account


@pytest.mark.req("REC-4")
def test_the_next_second_step_goes_by_sms_when_a_mobile_is_verified(member_account):
    recovery.recovery_complete(token=link_sent(), password=NEW_PASSWORD)
    assert Account.objects.get().sms_second_step_required


@pytest.mark.req("REC-4")
def test_without_a_verified_mobile_the_flag_stays_off_and_only_the_email_is_told(member_account):
    Membership.objects.update(mobile_verified=False, mobile_from_insurer=False)
    recovery.recovery_complete(token=link_sent(), password=NEW_PASSWORD)
    assert not Account.objects.get().sms_second_step_required
    assert [(m.channel, m.to) for m in Message.objects.filter(template="password_changed")] == [("email", EMAIL)]


@pytest.mark.req("REC-3")
def test_recovery_unfreezes_a_frozen_account(member_account):
    account_freeze(account=member_account, reason=SecurityCase.Reason.NOT_ME, actor_id=str(member_account.pk))
    assert DocumentBackend().authenticate(None, username=HOLDER_NIF, password=PASSWORD) is None
    recovery.recovery_complete(token=link_sent(), password=NEW_PASSWORD)
    assert Account.objects.get().frozen_at is None
    assert DocumentBackend().authenticate(None, username=HOLDER_NIF, password=NEW_PASSWORD) is not None


@pytest.mark.req("REC-3")
@pytest.mark.req("PWD-1")
@pytest.mark.parametrize("password", [PASSWORD, "corta", "Apellido7Zeta", "A1" + "b" * 10_000])
def test_the_password_follows_the_profile_with_history_and_context(member_account, password):
    """The current password is refused (history), as are broken rules and the member's own name."""
    token = link_sent()
    assert error_code(recovery.recovery_complete, token=token, password=password) == "password_policy"
    assert RecoveryToken.objects.get().used_at is None  # the link still works
    assert check_password(PASSWORD, Account.objects.get().password)


@pytest.mark.req("REC-3")
def test_the_other_links_die_with_the_one_used(member_account):
    first = link_sent()
    second = link_sent()
    # two live links, as when two workers ran two requests at once
    RecoveryToken.objects.filter(token_hash=blind_index("recovery-token", first)).update(superseded_at=None)
    recovery.recovery_complete(token=second, password=NEW_PASSWORD)
    assert error_code(recovery.recovery_link_get, token=first) == "link_invalid"


@pytest.mark.req("REC-3")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_uses_of_one_link_set_the_password_once(member_account):
    """REL-2 on the file SQLite database here and on PostgreSQL in the PostgreSQL pass."""
    token = link_sent()
    passwords = [f"Marea{index}Tranquila" for index in range(20)]

    def use(index: int) -> str:
        try:
            recovery.recovery_complete(token=token, password=passwords[index])
        except recovery.MemberAreaError as refused:
            return refused.code
        return passwords[index]

    outcomes = run_together(20, use)
    winners = [outcome for outcome in outcomes if outcome != "link_invalid"]
    assert len(winners) == 1
    assert check_password(winners[0], Account.objects.get().password)
    assert PasswordHistory.objects.count() == 2
    assert Message.objects.filter(template="password_changed").count() == 2
    assert AuditEntry.objects.filter(event="account.password_recovered").count() == 1


@pytest.mark.req("REC-2")
def test_a_link_of_a_deactivated_account_does_not_work(member_account):
    token = link_sent()
    Account.objects.update(is_active=False)
    assert error_code(recovery.recovery_link_get, token=token) == "link_invalid"


@pytest.mark.req("REC-2")
@pytest.mark.req("REL-3")
@pytest.mark.django_db(transaction=True)
def test_the_task_run_again_after_its_worker_died_past_its_commit_sends_no_second_link(member_account, settings):
    """The worker committed the link and its email, then died before recording success: the task runs
    again after the lease and finds its effects done (decision 0029)."""
    job = recovery.recovery_link_send.enqueue(username_index(HOLDER_NIF), "es")
    call_command("worker", "--burst", stdout=io.StringIO())
    [sent] = Message.objects.filter(template="password_reset")
    token = LINK.search(DevOutboxEntry.objects.get(reference=sent.reference).body_text).group(1)
    DBTaskResult.objects.filter(pk=job.id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=["died-after-commit"],
        started_at=clock.now() - dt.timedelta(seconds=settings.TASK_LEASE_SECONDS + 1),
    )
    assert tasks_recover().startswith("1 queued again")
    call_command("worker", "--burst", stdout=io.StringIO())

    row = DBTaskResult.objects.get(pk=job.id)
    assert (row.status, len(row.worker_ids)) == (TaskResultStatus.SUCCESSFUL, 2)
    assert list(Message.objects.filter(template="password_reset")) == [sent]
    assert recovery.recovery_link_get(token=token).account == member_account  # the emailed link still works
