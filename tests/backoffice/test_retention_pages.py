"""The privacy officer reads the retention job's reports (PRIV-14, BO-1): counts per kind of record and
category, in the page's language, never a value; other roles are refused."""

import datetime as dt

import pytest

from memberarea.core import clock
from memberarea.identity.models import Account, Role
from memberarea.privacy.models import RetentionRun, RetentionState
from tests.backoffice.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-14"), pytest.mark.req("BO-1")]
STARTED = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def run() -> RetentionRun:
    return RetentionRun.objects.create(
        started_at=STARTED,
        finished_at=STARTED + dt.timedelta(minutes=2),
        state=RetentionState.FINISHED,
        batches=3,
        counts={"identity.SessionRecord": {"deleted": 4, "erase:online_identifier": 4},
                "enrollment.Membership": {"anonymise:activity": 2}},
    )  # fmt: skip


def test_the_officer_sees_the_runs_and_a_runs_counts_in_words(staff, run):
    account = staff[Role.PRIVACY_OFFICER]
    Account.objects.filter(pk=account.pk).update(language="en")
    officer = client_for(account)
    listing = officer.get("/staff/privacy/retention/")
    detail = officer.get(f"/staff/privacy/retention/{run.pk}/")

    assert listing.status_code == 200 and f"/staff/privacy/retention/{run.pk}/" in listing.text
    assert detail.status_code == 200
    assert "identity.SessionRecord" in detail.text and "Rows deleted" in detail.text
    assert "Rows with Online identifiers erased" in detail.text
    assert "Rows with Activity in the member area anonymised" in detail.text


def test_other_roles_are_refused_and_an_unknown_run_is_not_found(staff, run):
    assert client_for(staff[Role.AGENT]).get(f"/staff/privacy/retention/{run.pk}/").status_code == 403
    officer = client_for(staff[Role.PRIVACY_OFFICER])
    assert officer.get("/staff/privacy/retention/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_an_unfinished_run_says_it_goes_on(staff):
    with clock.frozen(STARTED):
        unfinished = RetentionRun.objects.create(started_at=STARTED, cursor={"step": 2, "after": None})
    page = client_for(staff[Role.PRIVACY_OFFICER]).get(f"/staff/privacy/retention/{unfinished.pk}/")
    assert "Todavía no: la siguiente pasada del proceso en segundo plano sigue donde se detuvo." in page.text
