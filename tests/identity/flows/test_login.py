"""The sign-in flow's states, limits and expiry (LOGIN-1..4, LOGIN-9), with the injected clock."""

import re

import pytest

from memberarea.core.errors import MemberAreaError
from memberarea.identity import hashers
from memberarea.identity.errors import INVALID_CREDENTIALS
from memberarea.identity.flows import login
from memberarea.identity.models import Account, LoginFlow, LoginState, SessionRecord
from memberarea.notifications.models import Message
from tests.identity.registering import HOLDER_NIF, PASSWORD, error_code

pytestmark = pytest.mark.django_db
ADDRESS = "192.0.2.50"


def start(username: str = HOLDER_NIF, password: str = PASSWORD, *, address: str = ADDRESS, kind: str = "api", **kw):
    return login.login_start(username=username, password=password, captcha=None, address=address, kind=kind, **kw)


def sent(template: str = "login_code") -> list[Message]:
    return list(Message.objects.filter(template=template).order_by("created_at"))


def code_in(message: Message) -> str:
    return re.search(r"\b(\d{6})\b", message.body_text).group(1)


@pytest.fixture
def counting_hashes(monkeypatch):
    """Counts argon2 verifications (the work an attacker buys with each guess)."""
    calls = []
    original = hashers.MemberAreaArgon2Hasher.verify

    def counted(self, password, encoded):
        calls.append(1)
        return original(self, password, encoded)

    monkeypatch.setattr(hashers.MemberAreaArgon2Hasher, "verify", counted)
    return calls


# --- the password step ---------------------------------------------------------------------------
@pytest.mark.req("LOGIN-1")
def test_the_right_password_opens_a_flow_with_masked_channels(member_account):
    flow = start(HOLDER_NIF.lower()[:4] + " " + HOLDER_NIF.lower()[4:])
    assert flow.account == member_account and flow.state == LoginState.CHOOSE
    assert login.login_channels(flow) == [
        {"channel": "email", "destination": "p•••@e•••.invalid"},
        {"channel": "sms", "destination": "••• ••• •01"},
    ]


@pytest.mark.req("LOGIN-1")
@pytest.mark.parametrize(
    ("username", "password"),
    [(HOLDER_NIF, "Wrong1Password"), ("99999999R", PASSWORD), ("", PASSWORD), (HOLDER_NIF, ""), ("x" * 10_000, "a")],
    ids=["wrong password", "unknown document", "empty document", "empty password", "huge"],
)
def test_every_wrong_combination_is_one_answer(member_account, username, password):
    with pytest.raises(MemberAreaError) as raised:
        start(username, password)
    assert (raised.value.code, raised.value.message, raised.value.fields) == (
        "invalid_credentials",
        str(INVALID_CREDENTIALS.message),
        {},
    )
    assert not LoginFlow.objects.exists()


@pytest.mark.req("LOGIN-1")
def test_an_unknown_document_costs_one_hash_like_a_known_one(member_account, counting_hashes):
    error_code(start, HOLDER_NIF, "Wrong1Password")
    error_code(start, "99999999R", "Wrong1Password")
    assert len(counting_hashes) == 2


@pytest.mark.req("LOGIN-4")
def test_failures_bring_the_captcha_then_a_lock_and_an_email_to_the_owner(member_account, settings):
    settings.LOGIN_FAILURES_BEFORE_CAPTCHA = 2
    settings.LOGIN_FAILURES_BEFORE_LOCK = 3
    settings.LOGIN_ADDRESS_FAILURES_BEFORE_CAPTCHA = 100
    assert [error_code(start, password="Wrong1Password", address=f"198.51.100.{i}") for i in range(2)] == [
        "invalid_credentials"
    ] * 2
    assert error_code(start, address="198.51.100.9") == "captcha_required"
    settings.LOGIN_FAILURES_BEFORE_CAPTCHA = 10  # the next one does not need the captcha: it reaches the lock
    assert error_code(start, password="Wrong1Password", address="198.51.100.10") == "invalid_credentials"
    assert error_code(start, address="198.51.100.11") == "invalid_credentials"  # locked: even the right one
    assert [m.to for m in sent("login_locked")] == ["persona1@example.invalid"]


@pytest.mark.req("LOGIN-4")
def test_the_lock_ends_after_its_time(member_account, settings, frozen_clock):
    settings.LOGIN_FAILURES_BEFORE_LOCK = 1
    error_code(start, password="Wrong1Password")
    assert error_code(start) == "invalid_credentials"
    frozen_clock.advance(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    assert start().state == LoginState.CHOOSE


@pytest.mark.req("LOGIN-4")
def test_two_hundred_guesses_from_twenty_addresses_get_the_configured_number_of_hash_checks(
    member_account, counting_hashes, settings
):
    for guess in range(200):
        with pytest.raises(MemberAreaError):
            start(password=f"Guess{guess}Word", address=f"203.0.113.{guess % 20}")
    assert len(counting_hashes) == settings.LOGIN_FAILURES_BEFORE_CAPTCHA
    assert len(sent("login_locked")) == 0  # without captcha answers they never reached the lock


@pytest.mark.req("LOGIN-4")
def test_one_address_is_throttled_across_accounts(member_account, settings):
    settings.LOGIN_ADDRESS_FAILURES_BEFORE_CAPTCHA = 3
    for index in range(3):
        error_code(start, f"{10000000 + index}", "Wrong1Password")
    assert error_code(start, "20000000", "Wrong1Password") == "captcha_required"


@pytest.mark.req("LOGIN-1")
def test_a_frozen_account_is_told_to_recover(member_account):
    Account.objects.filter(pk=member_account.pk).update(frozen_at=member_account.created_at)
    assert error_code(start) == "account_frozen"


# --- the second step -----------------------------------------------------------------------------
@pytest.mark.req("LOGIN-3")
def test_the_code_completes_the_flow_once(member_account):
    flow = start()
    login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    message = sent()[-1]
    assert message.to == "+34600000001" and "/security/not-me/" in message.body_text
    code = code_in(message)
    completed = login.login_verify(flow_id=flow.pk, kind="api", code=code)
    assert completed.state == LoginState.COMPLETED and completed.account == member_account
    assert error_code(login.login_verify, flow_id=flow.pk, kind="api", code=code) == "flow_expired"


@pytest.mark.req("LOGIN-3")
def test_the_email_carries_a_code_a_link_and_the_not_me_link(member_account):
    flow = start(kind="browser", browser_binding="binding-1")
    login.login_send(flow_id=flow.pk, kind="browser", channel="email")
    text = sent()[-1].body_text
    assert re.search(r"\b\d{6}\b", text) and "/sign-in/link/" in text and "/security/not-me/" in text


@pytest.mark.req("LOGIN-3")
def test_the_link_works_only_in_the_browser_that_started_and_stays_usable(member_account):
    flow = start(kind="browser", browser_binding="binding-1")
    login.login_send(flow_id=flow.pk, kind="browser", channel="email")
    token = re.search(r"/sign-in/link/([^/\s]+)/", sent()[-1].body_text).group(1)
    assert error_code(login.login_link_use, token=token, browser_binding="other") == "link_other_browser"
    assert error_code(login.login_link_use, token=token, browser_binding="") == "link_other_browser"
    assert login.login_link_use(token=token, browser_binding="binding-1").state == LoginState.COMPLETED
    assert error_code(login.login_link_use, token=token, browser_binding="binding-1") == "flow_expired"


@pytest.mark.req("LOGIN-3")
def test_the_app_gets_no_link(member_account):
    flow = start()
    login.login_send(flow_id=flow.pk, kind="api", channel="email")
    assert "/sign-in/link/" not in sent()[-1].body_text


@pytest.mark.req("LOGIN-3")
def test_codes_expire_after_ten_minutes(member_account, frozen_clock, settings):
    flow = start()
    login.login_send(flow_id=flow.pk, kind="api", channel="email")
    frozen_clock.advance(seconds=settings.CODE_LIFETIME_SECONDS)
    assert error_code(login.login_verify, flow_id=flow.pk, kind="api", code=code_in(sent()[-1])) == "code_expired"


@pytest.mark.req("LOGIN-3")
def test_five_wrong_codes_spend_the_code(member_account):
    flow = start()
    login.login_send(flow_id=flow.pk, kind="api", channel="email")
    right = code_in(sent()[-1])
    wrong = "000000" if right != "000000" else "111111"
    verify = login.login_verify
    assert [error_code(verify, flow_id=flow.pk, kind="api", code=wrong) for _ in range(5)] == ["invalid_code"] * 5
    assert error_code(verify, flow_id=flow.pk, kind="api", code=right) == "too_many_attempts"


@pytest.mark.req("LOGIN-3")
def test_twenty_codes_a_day_per_account(member_account, settings, frozen_clock):
    settings.LOGIN_CODES_PER_ACCOUNT_PER_DAY = 3
    for _ in range(3):
        login.login_send(flow_id=start().pk, kind="api", channel="sms")
    assert error_code(login.login_send, flow_id=start().pk, kind="api", channel="sms") == "rate_limited"


@pytest.mark.req("LOGIN-3")
def test_resend_waits_for_the_cooldown(member_account, frozen_clock, settings):
    flow = start()
    login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    assert error_code(login.login_send, flow_id=flow.pk, kind="api", channel="sms") == "rate_limited"
    frozen_clock.advance(seconds=settings.CODE_RESEND_COOLDOWN_SECONDS)
    login.login_send(flow_id=flow.pk, kind="api", channel="email")  # switching channel is a new code
    assert sent()[-1].channel == "email"


@pytest.mark.req("LOGIN-2")
def test_a_channel_not_offered_is_refused(member_account):
    flow = start()
    assert error_code(login.login_send, flow_id=flow.pk, kind="api", channel="fax") == "invalid"


@pytest.mark.req("REC-4")
def test_after_a_recovery_the_second_step_goes_by_sms(member_account):
    Account.objects.filter(pk=member_account.pk).update(sms_second_step_required=True)
    flow = start()
    assert [c["channel"] for c in login.login_channels(flow)] == ["sms"]
    assert error_code(login.login_send, flow_id=flow.pk, kind="api", channel="email") == "invalid"
    login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    login.login_verify(flow_id=flow.pk, kind="api", code=code_in(sent()[-1]))
    member_account.refresh_from_db()
    assert not member_account.sms_second_step_required


@pytest.mark.req("LOGIN-3")
def test_a_sign_in_flow_expires(member_account, frozen_clock, settings):
    flow = start()
    frozen_clock.advance(seconds=settings.LOGIN_FLOW_SECONDS)
    assert error_code(login.login_send, flow_id=flow.pk, kind="api", channel="sms") == "flow_expired"
    assert error_code(login.login_get, flow_id=flow.pk, kind="browser") == "flow_expired"


# --- step-up -------------------------------------------------------------------------------------
@pytest.mark.req("LOGIN-9")
def test_step_up_marks_the_session_fresh(member_account, frozen_clock, settings):
    session = SessionRecord.objects.create(
        account=member_account, kind="app", created_at=frozen_clock.at, last_seen_at=frozen_clock.at,
        expires_at=frozen_clock.at.replace(year=frozen_clock.at.year + 1),
    )  # fmt: skip
    assert login.step_up_fresh(session)  # the sign-in itself was a second step
    frozen_clock.advance(seconds=settings.STEP_UP_SECONDS)
    assert not login.step_up_fresh(session)
    assert error_code(login.step_up_require, session) == "reauthentication_required"
    flow = login.step_up_start(session=session, kind="api")
    login.login_send(flow_id=flow.pk, kind="api", channel="email", purpose="step_up")
    assert "cambio importante" in sent()[-1].body_text  # the account speaks Spanish
    login.login_verify(flow_id=flow.pk, kind="api", code=code_in(sent()[-1]), purpose="step_up")
    session.refresh_from_db()
    assert login.step_up_fresh(session)
    assert error_code(login.login_get, flow_id=flow.pk, kind="api") == "flow_expired"  # not a sign-in flow


@pytest.mark.req("LOGIN-4")
def test_the_lock_lasts_the_lock_length_not_the_failure_window(member_account, settings, frozen_clock):
    """LOGIN_LOCK_SECONDS (15 min) and LOGIN_FAILURE_WINDOW_SECONDS (60 min) are different settings: a lock
    that lasted the window would still refuse the right password here."""
    assert settings.LOGIN_LOCK_SECONDS < settings.LOGIN_FAILURE_WINDOW_SECONDS
    settings.LOGIN_FAILURES_BEFORE_LOCK = 3
    settings.LOGIN_FAILURES_BEFORE_CAPTCHA = 100  # the captcha is another test's subject
    for attempt in range(3):
        assert error_code(start, password="Wrong1Password", address=f"198.51.100.{attempt}") == "invalid_credentials"
    frozen_clock.advance(seconds=settings.LOGIN_LOCK_SECONDS - 1)
    assert error_code(start) == "invalid_credentials"  # still locked: even the right password
    frozen_clock.advance(seconds=1)
    assert start().state == LoginState.CHOOSE  # the lock is over, though the failures' window is not
