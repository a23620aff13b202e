"""Devices (LOGIN-6): the trusted-device cookie (30 days, revocable, bound to its account) and the
email about a sign-in from a device the account has not used before."""

import datetime as dt
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse

from memberarea.enrollment.models import Membership
from memberarea.identity import devices
from memberarea.identity.models import Account, KnownDevice, SessionRecord, TrustedDevice
from memberarea.identity.sessions import account_sessions_end, browser_session_start
from memberarea.notifications.models import Message
from tests.core.conftest import run_together
from tests.identity.signing_in import APP_AGENT, CHROME_ANDROID, app_sign_in, other_member, request_from

TRUSTED = settings.TRUSTED_DEVICE_COOKIE
KNOWN = settings.KNOWN_DEVICE_COOKIE
APP_DEVICE_ID = "3f0c1f9e-7a4b-4c55-9a51-2f0f3c8d9e10"


def remember(account, request=None) -> tuple[TrustedDevice, SimpleCookie]:
    response = HttpResponse()
    device = devices.trusted_device_remember(request=request or request_from(), response=response, account=account)
    return device, response.cookies


def browser_with(cookies: SimpleCookie | dict, user_agent: str = CHROME_ANDROID):
    """A later request from the browser that kept these cookies."""
    request = request_from(user_agent)
    request.COOKIES.update({name: getattr(value, "value", value) for name, value in cookies.items()})
    return request


def new_device_emails() -> list[Message]:
    return list(Message.objects.filter(template="new_device"))


# --- trusted devices ----------------------------------------------------------------------------
@pytest.mark.req("LOGIN-6")
def test_a_trusted_device_is_valid_for_30_days(member_account, frozen_clock, settings):
    _, cookies = remember(member_account)
    assert devices.trusted_device_valid(browser_with(cookies), member_account)
    frozen_clock.advance(days=settings.TRUSTED_DEVICE_DAYS, seconds=-1)
    assert devices.trusted_device_valid(browser_with(cookies), member_account)
    frozen_clock.advance(seconds=1)
    assert not devices.trusted_device_valid(browser_with(cookies), member_account)


@pytest.mark.req("LOGIN-6")
@pytest.mark.parametrize("secure", [False, True])
def test_the_trusted_device_cookie_is_signed_http_only_lax_and_secure_like_the_session(
    member_account, settings, secure
):
    settings.SESSION_COOKIE_SECURE = secure
    device, cookies = remember(member_account)
    cookie = cookies[TRUSTED]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert bool(cookie["secure"]) is secure
    assert cookie["max-age"] == settings.TRUSTED_DEVICE_DAYS * 24 * 60 * 60
    token, _timestamp, _signature = cookie.value.split(":")  # django.core.signing, with its own salt
    assert device.token_hash not in cookie.value and device.token_hash != token
    assert TrustedDevice.objects.get().device == request_from().META["HTTP_USER_AGENT"]


@pytest.mark.req("LOGIN-6")
def test_a_trusted_device_is_revoked_when_all_sessions_end(member_account):
    _, cookies = remember(member_account)
    account_sessions_end(account=member_account, reason="password_changed")
    assert not devices.trusted_device_valid(browser_with(cookies), member_account)


@pytest.mark.req("LOGIN-6")
def test_a_trusted_device_is_bound_to_its_account(member_account):
    other = other_member()
    _, cookies = remember(other)
    assert devices.trusted_device_valid(browser_with(cookies), other)
    assert not devices.trusted_device_valid(browser_with(cookies), member_account)


@pytest.mark.req("LOGIN-6")
def test_a_forged_or_unsigned_cookie_is_not_trusted(member_account):
    _, cookies = remember(member_account)
    value = cookies[TRUSTED].value
    token = value.split(":")[0]
    for forged in (token, value[:-1] + ("A" if value[-1] != "A" else "B"), "", "x" * 60):
        assert not devices.trusted_device_valid(browser_with({TRUSTED: forged}), member_account)
    assert not devices.trusted_device_valid(request_from(), member_account)


@pytest.mark.req("LOGIN-6")
def test_remembering_again_replaces_the_browsers_earlier_trust(member_account):
    first, cookies = remember(member_account)
    second, new_cookies = remember(member_account, browser_with(cookies))
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert not devices.trusted_device_valid(browser_with(cookies), member_account)
    assert devices.trusted_device_valid(browser_with(new_cookies), member_account)


@pytest.mark.req("LOGIN-6")
def test_using_a_trusted_device_writes_last_used_at_most_once_a_minute(member_account, frozen_clock):
    device, cookies = remember(member_account)
    frozen_clock.advance(seconds=59)
    assert devices.trusted_device_valid(browser_with(cookies), member_account)
    device.refresh_from_db()
    assert device.last_used_at == device.created_at
    frozen_clock.advance(seconds=1)
    for _ in range(2):
        assert devices.trusted_device_valid(browser_with(cookies), member_account)
    device.refresh_from_db()
    assert device.last_used_at == frozen_clock.at


# --- known devices ------------------------------------------------------------------------------
def browser_sign_in(account, cookies: SimpleCookie | dict | None = None, user_agent: str = CHROME_ANDROID):
    """What sign-in does: start the session, then check the device; returns (told, response cookies)."""
    request = browser_with(cookies or {}, user_agent)
    request.session = SessionStore()
    browser_session_start(request=request, account=account)
    response = HttpResponse()
    told = devices.known_device_check(request=request, response=response, account=account)
    return told, response.cookies


def app_check(account, device_id: str | None = APP_DEVICE_ID) -> bool:
    meta = {"HTTP_X_DEVICE_ID": device_id} if device_id is not None else {}
    return devices.known_device_check(request=request_from(APP_AGENT, **meta), response=None, account=account)


@pytest.mark.req("LOGIN-6")
def test_an_accounts_first_device_is_recorded_without_an_email(member_account):
    told, cookies = browser_sign_in(member_account)  # the session just started does not count
    assert not told and new_device_emails() == []
    assert KnownDevice.objects.filter(account=member_account).count() == 1
    cookie = cookies[KNOWN]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == devices.KNOWN_DEVICE_COOKIE_DAYS * 24 * 60 * 60
    assert cookie.value not in KnownDevice.objects.get().device_hash  # a keyed hash is stored


@pytest.mark.req("LOGIN-6")
def test_a_new_device_is_emailed_once_and_a_known_one_never(member_account, frozen_clock):
    Account.objects.filter(pk=member_account.pk).update(language="en")
    member_account.refresh_from_db()
    _, laptop = browser_sign_in(member_account, user_agent=request_from().META["HTTP_USER_AGENT"])
    assert not browser_sign_in(member_account, laptop)[0]  # the same browser again
    told, phone = browser_sign_in(member_account)  # no device cookie: a browser never seen
    assert told
    assert not browser_sign_in(member_account, phone)[0]
    assert not browser_sign_in(member_account, laptop)[0]
    [email] = new_device_emails()
    assert email.to == "persona1@example.invalid" and email.language == "en" and email.kind == "administrative"
    assert "Chrome on Android" in email.body_text
    assert "10:30" in email.body_text  # 09:30 UTC, shown in the insurer's time zone (Madrid, CET)
    assert "/security/not-me/" in email.body_text and "/account/sessions/" in email.body_text
    assert KnownDevice.objects.filter(account=member_account).count() == 2


@pytest.mark.req("LOGIN-6")
def test_an_account_with_earlier_sessions_but_no_known_device_is_told(member_account):
    app_sign_in(member_account)  # signed in before devices were recorded
    assert browser_sign_in(member_account)[0]
    assert len(new_device_emails()) == 1


@pytest.mark.req("LOGIN-6")
def test_the_app_names_its_installation_with_the_device_id_header(member_account):
    assert not app_check(member_account)  # first device of the account
    app_sign_in(member_account)
    assert not app_check(member_account)  # the same installation
    assert app_check(member_account, device_id="another-installation-0001")
    assert len(new_device_emails()) == 1
    assert "Ejemplia Salud" in new_device_emails()[0].body_text  # named as the brand's app


@pytest.mark.req("LOGIN-6")
def test_an_app_without_a_usable_device_id_counts_as_new_each_time(member_account):
    app_sign_in(member_account)
    for device_id in (None, "", "short", "x" * 129, "with spaces in it here"):
        assert app_check(member_account, device_id=device_id)
    assert len(new_device_emails()) == 5
    assert not KnownDevice.objects.exists()


@pytest.mark.req("LOGIN-6")
def test_no_email_is_sent_when_the_account_has_no_verified_email(member_account):
    Membership.objects.filter(person__account=member_account).update(email_verified=False, email_from_insurer=False)
    app_sign_in(member_account)
    assert browser_sign_in(member_account)[0]
    assert new_device_emails() == []


@pytest.mark.req("LOGIN-6")
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ins_from_one_new_device_send_one_email(member_account):
    app_sign_in(member_account)
    results = run_together(5, lambda _: app_check(member_account, device_id="parallel-device-0001"))
    assert results.count(True) == 1
    assert len(new_device_emails()) == 1
    assert SessionRecord.objects.count() == 1


@pytest.mark.req("LOGIN-6")
def test_a_known_device_keeps_when_it_was_first_and_last_seen(member_account, frozen_clock):
    app_sign_in(member_account)
    frozen_clock.advance(days=3)
    assert app_check(member_account)
    assert KnownDevice.objects.get().first_seen_at == frozen_clock.at
    frozen_clock.advance(days=1)
    assert not app_check(member_account)
    assert KnownDevice.objects.get().last_seen_at == frozen_clock.at
    assert frozen_clock.at - dt.timedelta(days=1) == KnownDevice.objects.get().first_seen_at
