"""Lock-outs that do not lock the owner out (LOGIN-4, REL-4; issue 15 defect 7, decision 0031).

Failures from devices the account has never used lock new devices out; the owner's known or trusted
device still completes the password and the second step. Answers that never reached a password
check (captcha required or wrong) do not count. The number of password checks stays capped.
"""

import secrets

import pytest
from django.test import Client

from memberarea.core.crypto import blind_index
from memberarea.core.errors import MemberAreaError
from memberarea.identity.devices import KNOWN_DEVICE_PURPOSE, DevicePresented
from memberarea.identity.flows import login
from memberarea.identity.models import KnownDevice, LoginState
from memberarea.notifications.models import Message
from tests.captcha_solving import captcha_answer
from tests.identity.flows.test_login import counting_hashes  # noqa: F401  (a fixture)
from tests.identity.registering import HOLDER_NIF, PASSWORD, error_code
from tests.web.test_sign_in_pages import code_for, password_step, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.req("LOGIN-4")]


@pytest.fixture(autouse=True)
def _cheap_captchas(settings):
    settings.CAPTCHA_MAX_NUMBER = 20  # the attacker solves every captcha here; the cost is not the point


def attempt(password: str, *, address: str = "203.0.113.7", device: DevicePresented | None = None, captcha=True):
    """One password try through the service, as the API makes it, from a new device unless `device`
    says otherwise; `captcha`: True solves one, False sends none, a string is sent as it is."""
    return login.login_start(
        username=HOLDER_NIF,
        password=password,
        captcha=captcha if isinstance(captcha, str) else (captcha_answer() if captcha else None),
        address=address,
        kind="api",
        device=device or DevicePresented(known_hash=blind_index(KNOWN_DEVICE_PURPOSE, secrets.token_urlsafe(24))),
    )


def attacker_locks_new_devices(settings) -> None:
    """Wrong passwords from ever new devices and addresses, captchas solved, up to the lock."""
    for guess in range(settings.LOGIN_FAILURES_BEFORE_LOCK + 5):
        assert error_code(attempt, f"Guess{guess}Word", address=f"203.0.113.{guess}") == "invalid_credentials"
    assert error_code(attempt, PASSWORD, address="203.0.113.200") == "invalid_credentials"  # locked


def test_an_attackers_failures_lock_new_browsers_but_the_owners_browser_signs_in(member_account, settings):
    owner = Client()
    sign_in(owner)  # the owner's browser is now a known device of the account
    owner.post("/sign-out/")
    attacker_locks_new_devices(settings)

    assert password_step(Client()).status_code == 400  # a new browser: locked, even with the right password
    assert password_step(owner)["Location"] == "/sign-in/code/"  # the owner's: the password step, then
    assert owner.post("/sign-in/code/", {"channel": "email"})["Location"] == "/sign-in/code/"
    assert owner.post("/sign-in/code/", {"code": code_for("persona1@example.invalid")})["Location"] == "/members/"


def test_the_owners_trusted_browser_signs_in_during_the_lock(member_account, settings):
    owner = Client()
    sign_in(owner, trust_device="1")
    owner.post("/sign-out/")
    KnownDevice.objects.all().delete()  # only the trust is left to recognise the browser
    attacker_locks_new_devices(settings)
    assert password_step(owner)["Location"] == "/members/"  # trusted: no second step, as always (LOGIN-6)


def test_the_owners_app_installation_signs_in_during_the_lock(member_account, settings):
    installation = secrets.token_urlsafe(24)
    KnownDevice.objects.create(
        account=member_account,
        device_hash=blind_index(KNOWN_DEVICE_PURPOSE, installation),
        first_seen_at=member_account.created_at,
        last_seen_at=member_account.created_at,
    )
    attacker_locks_new_devices(settings)
    api = Client()
    body = {"username": HOLDER_NIF, "password": PASSWORD}
    assert api.post("/api/v1/login", body, content_type="application/json").status_code == 400  # new installation
    answer = api.post("/api/v1/login", body, content_type="application/json", HTTP_X_DEVICE_ID=installation)
    assert answer.status_code == 201, answer.content


def test_the_lock_notice_tells_the_owner_how_to_get_in_now(member_account, settings):
    attacker_locks_new_devices(settings)
    [notice] = Message.objects.filter(template="login_locked")
    assert notice.to == "persona1@example.invalid"
    assert "where you have signed in before" in notice.body_text or "donde ya haya iniciado sesión" in notice.body_text
    assert "/password-reset/" in notice.body_text


def test_captcha_required_answers_do_not_count_toward_the_lock(member_account, settings):
    settings.LOGIN_FAILURES_BEFORE_CAPTCHA = 2
    settings.LOGIN_FAILURES_BEFORE_LOCK = 4
    for guess in range(2):
        error_code(attempt, f"Guess{guess}Word", captcha=False)
    assert {error_code(attempt, f"More{n}Word", captcha=False) for n in range(30)} == {"captcha_required"}
    assert error_code(attempt, "Wrong1Password", captcha="not-a-solution") == "captcha_invalid"
    assert error_code(attempt, "Third1Wrong") == "invalid_credentials"  # the third password checked
    assert attempt(PASSWORD).state == LoginState.CHOOSE  # three real failures: under the lock of four
    assert not Message.objects.filter(template="login_locked").exists()


@pytest.mark.req("REL-4")
def test_a_thousand_guesses_from_fifty_addresses_and_new_devices_get_the_configured_password_checks(
    member_account,
    settings,
    counting_hashes,  # noqa: F811
):
    for guess in range(1000):
        with pytest.raises(MemberAreaError):
            attempt(f"Guess{guess}Word", address=f"203.0.113.{guess % 50}", captcha=guess % 3 == 0)
    assert len(counting_hashes) == settings.LOGIN_FAILURES_BEFORE_LOCK


@pytest.mark.req("REL-4")
def test_a_known_device_is_capped_on_its_own(member_account, settings, counting_hashes):  # noqa: F811
    """A stolen device cookie buys its own LOGIN_FAILURES_BEFORE_LOCK checks, not more, and its lock
    does not touch the owner's other devices nor new ones."""
    owned = DevicePresented(known_hash=blind_index(KNOWN_DEVICE_PURPOSE, "the-owners-phone-0123"))
    KnownDevice.objects.create(
        account=member_account, device_hash=owned.known_hash,
        first_seen_at=member_account.created_at, last_seen_at=member_account.created_at,
    )  # fmt: skip
    for guess in range(200):
        with pytest.raises(MemberAreaError):
            attempt(f"Guess{guess}Word", device=owned)
    assert len(counting_hashes) == settings.LOGIN_FAILURES_BEFORE_LOCK
    assert error_code(attempt, PASSWORD, device=owned) == "invalid_credentials"  # that device is locked
    assert attempt(PASSWORD).state == LoginState.CHOOSE  # new devices are not
    assert not Message.objects.filter(template="login_locked").exists()


def test_recovery_ends_every_lock_of_the_account(member_account, settings):
    owned = DevicePresented(known_hash=blind_index(KNOWN_DEVICE_PURPOSE, "the-owners-phone-0123"))
    KnownDevice.objects.create(
        account=member_account, device_hash=owned.known_hash,
        first_seen_at=member_account.created_at, last_seen_at=member_account.created_at,
    )  # fmt: skip
    attacker_locks_new_devices(settings)
    for guess in range(settings.LOGIN_FAILURES_BEFORE_LOCK):
        error_code(attempt, f"Guess{guess}Word", device=owned)
    login.login_failures_clear(member_account)
    assert attempt(PASSWORD).state == LoginState.CHOOSE
    assert attempt(PASSWORD, device=owned).state == LoginState.CHOOSE
