"""Signing test clients and requests in the way the product does (browser_session_start,
app_session_start), so the session middleware and the registry see real sessions."""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from memberarea.identity import sessions
from memberarea.identity.models import SessionRecord, TrustedDevice
from memberarea.identity.services import account_create
from tests.enrollment.records import nif

PAGE = "/account/sessions/"  # a page that needs sign-in

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
APP_AGENT = "EjempliaSalud/3.2 (Android 14; Pixel 8)"


def request_from(user_agent: str = FIREFOX_WINDOWS, address: str = "192.0.2.10", **meta):
    """A request as a browser or the app sends it, for calling services directly."""
    request = RequestFactory().get("/", HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address, **meta)
    request.user = AnonymousUser()
    return request


def session_sign_in(session, account, *, user_agent: str = FIREFOX_WINDOWS) -> SessionRecord:
    """Sign a stored Django session in the way sign-in does (browser_session_start); the key changes."""
    request = request_from(user_agent)
    request.session = session
    record = sessions.browser_session_start(request=request, account=account)
    request.session.save()
    return record


def signed_in_client(
    account, *, user_agent: str = FIREFOX_WINDOWS, language: str = "en"
) -> tuple[Client, SessionRecord]:
    """A test client signed in through browser_session_start, with the registry entry it got."""
    client = Client(HTTP_USER_AGENT=user_agent, HTTP_ACCEPT_LANGUAGE=language)
    session = client.session
    record = session_sign_in(session, account, user_agent=user_agent)
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client, record


def app_sign_in(account, user_agent: str = APP_AGENT) -> sessions.AppTokens:
    return sessions.app_session_start(account=account, request=request_from(user_agent))


def other_member():
    return account_create(username=nif("20000002"), password="Otro7Miembro")


def ended(record: SessionRecord) -> str:
    """The end reason of a session, "" while open."""
    record.refresh_from_db()
    return record.end_reason if record.ended_at else ""


def trusted_device(account, *, user_agent: str = CHROME_ANDROID, at: dt.datetime) -> TrustedDevice:
    return TrustedDevice.objects.create(
        account=account,
        token_hash=uuid.uuid4().hex,
        device=user_agent,
        network="198.51.100.0/24",
        created_at=at,
        last_used_at=at,
        expires_at=at + dt.timedelta(days=settings.TRUSTED_DEVICE_DAYS),
    )


def is_signed_in(client: Client) -> bool:
    response = client.get(PAGE)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
    return False
