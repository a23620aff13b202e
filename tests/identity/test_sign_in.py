"""Finishing a sign-in, the one service every way in calls (LOGIN-5, LOGIN-6, UI-1)."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.utils import translation

from memberarea.identity.models import KnownDevice, SessionRecord, TrustedDevice
from memberarea.identity.sessions import BROWSER_SESSION_KEY
from memberarea.identity.sign_in import SESSION_LANGUAGE_KEY, sign_in_finish
from tests.identity.signing_in import ended, request_from

pytestmark = pytest.mark.django_db
APP_ID = "installation-0123456789"


def browser_request(session=None):
    request = request_from()
    request.session = session if session is not None else SessionStore()
    return request


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-6")
@pytest.mark.req("UI-1")
def test_a_browser_gets_a_registered_session_its_language_and_a_device_cookie(member_account, settings):
    request, response = browser_request(), HttpResponse()
    with translation.override("en"):
        signed = sign_in_finish(request=request, account=member_account, response=response)
    assert signed.tokens is None and signed.session.kind == "browser"
    assert request.session[BROWSER_SESSION_KEY] == str(signed.session.pk)
    assert request.session[SESSION_LANGUAGE_KEY] == "en"  # the language the member signed in with
    assert settings.KNOWN_DEVICE_COOKIE in response.cookies
    assert settings.TRUSTED_DEVICE_COOKIE not in response.cookies  # trust only when asked
    assert KnownDevice.objects.filter(account=member_account).count() == 1
    assert not TrustedDevice.objects.exists()


@pytest.mark.req("LOGIN-6")
def test_a_browser_is_trusted_when_the_member_asks(member_account, settings):
    response = HttpResponse()
    sign_in_finish(request=browser_request(), account=member_account, response=response, trust_device=True)
    assert settings.TRUSTED_DEVICE_COOKIE in response.cookies
    assert TrustedDevice.objects.filter(account=member_account, revoked_at__isnull=True).count() == 1


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-6")
def test_the_app_gets_tokens_and_its_installation_is_known(member_account):
    request = request_from(HTTP_X_DEVICE_ID=APP_ID)
    signed = sign_in_finish(request=request, account=member_account)
    assert signed.tokens is not None and signed.tokens.session == signed.session
    assert signed.session.kind == "app" and signed.tokens.access_token
    sign_in_finish(request=request_from(HTTP_X_DEVICE_ID=APP_ID), account=member_account)
    assert KnownDevice.objects.filter(account=member_account).count() == 1  # the same installation, once


@pytest.mark.req("LOGIN-5")
def test_signing_in_again_in_a_signed_in_browser_replaces_its_entry(member_account):
    """The cause of "the same browser listed twice": a second sign-in left the first entry open."""
    session = SessionStore()
    first = sign_in_finish(request=browser_request(session), account=member_account, response=HttpResponse())
    session.save()
    second = sign_in_finish(request=browser_request(session), account=member_account, response=HttpResponse())
    assert ended(first.session) == "signed_in_again"
    assert list(SessionRecord.objects.filter(ended_at__isnull=True).values_list("pk", flat=True)) == [second.session.pk]
