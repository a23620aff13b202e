""" "My account may be compromised" (PRIV-13) from the privacy centre, the account page and the app: the
same freeze as "this was not me" — every session, app token and trusted device ended, one security case,
every verified contact told — once, even when the alarm is pulled twice at the same moment."""

import datetime as dt

import pytest

from memberarea.core.models import AuditEntry
from memberarea.identity.freeze import account_freeze
from memberarea.identity.models import Account, SecurityCase, SessionRecord, TrustedDevice
from memberarea.notifications.models import Message
from tests.core.conftest import run_together
from tests.identity.signing_in import app_sign_in, is_signed_in, signed_in_client, trusted_device

pytestmark = pytest.mark.req("PRIV-13")


@pytest.fixture
def member_account(member_account):
    """Member 1, reading in English."""
    member_account.language = "en"
    member_account.save(update_fields=["language"])
    return member_account


def _bearer(tokens) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.access_token}"}


def _locked_once(account: Account) -> None:
    account.refresh_from_db()
    assert account.frozen_at is not None
    assert list(SecurityCase.objects.filter(account=account).values_list("reason", flat=True)) == ["compromised"]
    assert AuditEntry.objects.filter(event="account.frozen", subject_id=str(account.pk)).count() == 1
    assert not SessionRecord.objects.filter(account=account, ended_at__isnull=True).exists()
    assert not TrustedDevice.objects.filter(account=account, revoked_at__isnull=True).exists()
    told = {message.to for message in Message.objects.filter(template="account_frozen")}
    assert told == {"persona1@example.invalid", "+34600000001"}


@pytest.mark.django_db
def test_the_privacy_centre_and_the_account_page_offer_the_alarm(member_account):
    client, _ = signed_in_client(member_account)
    for page in ("/privacy/", "/account/"):
        assert 'href="/security/concern/"' in client.get(page).content.decode()
    assert "Lock my account" in client.get("/security/concern/").content.decode()


@pytest.mark.django_db
def test_locking_ends_every_session_token_and_device_opens_one_case_and_tells_every_contact(
    member_account, frozen_clock
):
    client, _ = signed_in_client(member_account)
    other_browser, _ = signed_in_client(member_account)
    app = app_sign_in(member_account)
    trusted_device(member_account, at=frozen_clock.at - dt.timedelta(days=1))

    answer = client.post("/security/concern/", {"confirm": "yes"})

    assert answer.status_code == 200 and "The account is locked" in answer.content.decode()
    _locked_once(member_account)
    assert not is_signed_in(client) and not is_signed_in(other_browser)
    assert client.get("/api/v1/me", **_bearer(app)).status_code == 401


@pytest.mark.django_db
def test_without_the_box_ticked_nothing_happens_and_the_page_says_why(member_account):
    client, _ = signed_in_client(member_account)
    answer = client.post("/security/concern/", {})
    page = answer.content.decode()
    assert answer.status_code == 400 and 'data-error-code="invalid"' in page
    assert "Tick the box to confirm" in page and 'aria-invalid="true"' in page
    member_account.refresh_from_db()
    assert member_account.frozen_at is None and not SecurityCase.objects.exists()


@pytest.mark.django_db
def test_signed_out_the_page_asks_to_sign_in_first(client):
    answer = client.get("/security/concern/")
    assert answer.status_code == 302 and answer["Location"].startswith("/sign-in/")


@pytest.mark.django_db
def test_the_app_locks_with_its_token_and_a_second_call_finds_it_locked(member_account, client):
    first, second = app_sign_in(member_account), app_sign_in(member_account)
    answer = client.post("/api/v1/me/security-concern", **_bearer(first))
    assert answer.status_code == 200 and answer.json() == {"frozen": True, "case_opened": True}
    _locked_once(member_account)
    assert client.post("/api/v1/me/security-concern", **_bearer(second)).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_two_alarms_at_the_same_moment_lock_once_and_open_one_case(member_account):
    """Two devices of the member pull the alarm at once (threads on a file database, or PostgreSQL): the
    conditional update of `frozen_at` inside the freeze's transaction lets exactly one freeze and open the case."""

    def pull(_index: int) -> bool:
        account = Account.objects.get(pk=member_account.pk)
        return account_freeze(account=account, reason=SecurityCase.Reason.COMPROMISED, actor_id=str(account.pk))

    assert sorted(run_together(2, pull)) == [False, True]
    _locked_once(member_account)
