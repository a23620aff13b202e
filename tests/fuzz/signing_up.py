"""A member who registered and signs in through the API alone, as the app does, for the signed-in fuzz.

Its requests come from their own address and installation, so the rate limits and lock-outs the
fuzz's random sign-ins run into (from 127.0.0.1) never stop it.
"""

import re

from django.test import Client

from memberarea.identity.models import Account
from memberarea.identity.sessions import app_session_for_access_token, app_session_start
from memberarea.notifications.models import Message
from tests.identity.registering import HOLDER_NIF, PASSWORD, identify
from tests.identity.signing_in import APP_AGENT, request_from

API = "/api/v1"
EMAIL = "persona1@example.invalid"  # member 1's enrolled email (tests/identity/registering.py)
APP = {"REMOTE_ADDR": "192.0.2.200", "HTTP_X_DEVICE_ID": "fuzz-member-installation-1", "HTTP_ACCEPT_LANGUAGE": "en"}


def _post(client: Client, path: str, body: dict) -> dict:
    response = client.post(f"{API}{path}", body, content_type="application/json")
    assert response.status_code in (200, 201), (path, response.status_code, response.content)
    return response.json()


def api_register() -> str:
    """Member 1 registers: identify, details (the document on record), password; answers the first token."""
    client = Client(**APP)
    flow_id = _post(client, "/registration", identify())["flow_id"]
    assert _post(client, f"/registration/{flow_id}/details", {"document_type": "nif", "document_number": HOLDER_NIF})
    return _post(client, f"/registration/{flow_id}/password", {"password": PASSWORD})["access_token"]


def _latest_sign_in_code() -> str:
    message = next(m for m in Message.objects.order_by("-created_at") if m.to == EMAIL and m.template == "login_code")
    return re.search(r"\b(\d{6})\b", message.body_text).group(1)


def api_sign_in() -> str:
    """Password, then the code emailed to the member (read from the outbox, as the member reads it)."""
    client = Client(**APP)
    login_id = _post(client, "/login", {"username": HOLDER_NIF, "password": PASSWORD})["login_id"]
    _post(client, f"/login/{login_id}/send", {"channel": "email"})
    return _post(client, f"/login/{login_id}/verify", {"code": _latest_sign_in_code()})["access_token"]


class Bearer:
    """The member's access token from the API's sign-in; when a fuzzed call ended that session
    (sign-out, "end all sessions"), a new app session from the service the sign-in ends with — a
    code by email for each would soon meet the daily limit of codes sent."""

    def __init__(self) -> None:
        api_register()
        self.token = api_sign_in()
        self.account = Account.objects.get()

    def live(self) -> str:
        if app_session_for_access_token(self.token) is None:
            self.token = app_session_start(account=self.account, request=request_from(APP_AGENT)).access_token
        return self.token
