"""Sign-in, step-up and the account for the app (API-1, LOGIN-1..5, LOGIN-9): every endpoint and code."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from memberarea.identity.models import Account, SessionRecord
from memberarea.notifications.models import Message
from tests.api.answers import error
from tests.core.conftest import run_together
from tests.identity.registering import HOLDER_NIF, PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.req("API-1")]


def call(api: Client, method: str, path: str, body=None, token: str = "", **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if method == "get":
        return api.get(f"/api/v1{path}", **headers)
    data = json.dumps(body) if body is not None else ""
    return getattr(api, method)(f"/api/v1{path}", data, content_type="application/json", **headers)


def newest_code(to: str) -> str:
    message = next(m for m in Message.objects.order_by("-created_at") if m.to == to and m.template == "login_code")
    return re.search(r"\b(\d{6})\b", message.body_text).group(1)


def signed_in(api: Client, channel: str = "sms") -> dict:
    login_id = call(api, "post", "/login", {"username": HOLDER_NIF, "password": PASSWORD}).json()["login_id"]
    assert call(api, "post", f"/login/{login_id}/send", {"channel": channel}).status_code == 200
    to = "+34600000001" if channel == "sms" else "persona1@example.invalid"
    response = call(api, "post", f"/login/{login_id}/verify", {"code": newest_code(to)})
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.req("LOGIN-1")
@pytest.mark.req("LOGIN-5")
def test_sign_in_by_sms_gives_tokens_that_open_me(api, member_account):
    response = call(api, "post", "/login", {"username": HOLDER_NIF.lower(), "password": PASSWORD})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"login_id", "expires_at", "channels"}
    assert body["channels"] == [
        {"channel": "email", "destination": "p•••@e•••.invalid"},
        {"channel": "sms", "destination": "••• ••• •01"},
    ]
    tokens = signed_in(api)
    me = call(api, "get", "/me", token=tokens["access_token"]).json()
    assert me["username"] == HOLDER_NIF and me["email"] == "persona1@example.invalid"
    assert me["members"][0]["is_self"] and len(me["members"][0]["member_id"]) == 36
    assert SessionRecord.objects.filter(kind="app", account=member_account).count() == 1


@pytest.mark.req("LOGIN-1")
def test_unknown_and_wrong_look_and_cost_the_same(api, member_account):
    """Enumeration: same status, body and queries for an existing account with a wrong password and an unknown one."""
    answers = []
    for index, username in enumerate((HOLDER_NIF, "99999999R")):
        with CaptureQueriesContext(connection) as queries:
            response = call(api, "post", "/login", {"username": username, "password": "Wrong1Password"},
                            REMOTE_ADDR=f"192.0.2.{index + 30}")  # fmt: skip
        answers.append((response.status_code, response.content, len(queries)))
    assert answers[0] == answers[1] and answers[0][0] == 400


@pytest.mark.req("LOGIN-4")
def test_captcha_then_invalid(api, member_account, settings):
    settings.LOGIN_FAILURES_BEFORE_CAPTCHA = 1
    error(call(api, "post", "/login", {"username": HOLDER_NIF, "password": "Wrong1"}), 400, "invalid_credentials")
    error(call(api, "post", "/login", {"username": HOLDER_NIF, "password": PASSWORD}), 400, "captcha_required")
    body = {"username": HOLDER_NIF, "password": PASSWORD, "captcha": "e30="}
    error(call(api, "post", "/login", body), 400, "captcha_invalid")


@pytest.mark.req("LOGIN-3")
def test_code_errors_and_flow_expiry(api, member_account, frozen_clock, settings):
    login_id = call(api, "post", "/login", {"username": HOLDER_NIF, "password": PASSWORD}).json()["login_id"]
    error(call(api, "post", f"/login/{login_id}/verify", {"code": "123456"}), 410, "flow_expired")  # nothing sent
    error(call(api, "post", f"/login/{login_id}/send", {"channel": "fax"}), 400, "invalid")
    call(api, "post", f"/login/{login_id}/send", {"channel": "email"})
    error(call(api, "post", f"/login/{login_id}/send", {"channel": "email"}), 429, "rate_limited")
    right = newest_code("persona1@example.invalid")
    wrong = "000000" if right != "000000" else "111111"
    error(call(api, "post", f"/login/{login_id}/verify", {"code": wrong}), 400, "invalid_code")
    frozen_clock.advance(seconds=settings.CODE_LIFETIME_SECONDS)
    error(call(api, "post", f"/login/{login_id}/verify", {"code": right}), 400, "code_expired")
    frozen_clock.advance(seconds=settings.LOGIN_FLOW_SECONDS)
    error(call(api, "post", f"/login/{login_id}/send", {"channel": "sms"}), 410, "flow_expired")


@pytest.mark.req("LOGIN-3")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_uses_of_one_code_give_one_session(api, member_account):
    login_id = call(api, "post", "/login", {"username": HOLDER_NIF, "password": PASSWORD}).json()["login_id"]
    call(api, "post", f"/login/{login_id}/send", {"channel": "sms"})
    code = newest_code("+34600000001")
    statuses = run_together(
        20, lambda _: call(Client(), "post", f"/login/{login_id}/verify", {"code": code}).status_code
    )
    assert statuses.count(201) == 1
    assert SessionRecord.objects.filter(kind="app").count() == 1


@pytest.mark.req("LOGIN-9")
def test_password_change_needs_a_fresh_step_up(api, member_account, frozen_clock, settings):
    token = signed_in(api)["access_token"]
    frozen_clock.advance(seconds=settings.STEP_UP_SECONDS)
    body = {"current_password": PASSWORD, "password": "Nuevo7Camino"}
    error(call(api, "put", "/me/password", body, token=token), 403, "reauthentication_required")
    login_id = call(api, "post", "/reauthenticate", token=token).json()["login_id"]
    call(api, "post", f"/reauthenticate/{login_id}/send", {"channel": "sms"}, token=token)
    code = newest_code("+34600000001")
    assert call(api, "post", f"/reauthenticate/{login_id}/verify", {"code": code}, token=token).status_code == 204
    wrong = {"current_password": "Wrong1Password", "password": "Nuevo7Camino"}
    assert (
        "current_password"
        in error(call(api, "put", "/me/password", wrong, token=token), 400, "current_password_incorrect")["fields"]
    )
    error(call(api, "put", "/me/password", {**body, "password": PASSWORD}, token=token), 400, "password_policy")
    assert call(api, "put", "/me/password", body, token=token).status_code == 204
    member_account.refresh_from_db()
    assert member_account.check_password("Nuevo7Camino")
    assert {m.to for m in Message.objects.filter(template="password_changed")} == {
        "persona1@example.invalid", "+34600000001",
    }  # fmt: skip


@pytest.mark.req("LOGIN-5")
def test_a_password_change_ends_the_other_sessions_but_not_this_one(api, member_account):
    other = signed_in(Client())["access_token"]
    token = signed_in(api)["access_token"]
    body = {"current_password": PASSWORD, "password": "Nuevo7Camino"}
    assert call(api, "put", "/me/password", body, token=token).status_code == 204
    assert call(api, "get", "/me", token=token).status_code == 200
    error(call(api, "get", "/me", token=other), 401, "unauthenticated")


@pytest.mark.req("LOGIN-9")
def test_a_step_up_flow_answers_only_its_session(api, member_account):
    mine = signed_in(api)["access_token"]
    theirs = signed_in(Client())["access_token"]
    login_id = call(api, "post", "/reauthenticate", token=mine).json()["login_id"]
    error(call(api, "post", f"/reauthenticate/{login_id}/send", {"channel": "sms"}, token=theirs), 410, "flow_expired")


@pytest.mark.req("REG-4")
def test_contact_change_proves_the_new_one_and_tells_the_old(api, member_account):
    token = signed_in(api)["access_token"]
    response = call(api, "put", "/me/contact", {"channel": "email", "value": "nueva@example.org"}, token=token)
    assert response.status_code == 202
    change_id = response.json()["change_id"]
    code = next(
        re.search(r"\b(\d{6})\b", m.body_text).group(1)
        for m in Message.objects.filter(template="contact_code")
        if m.to == "nueva@example.org"
    )
    error(
        call(api, "put", "/me/contact/verify", {"change_id": "nonsense", "code": code}, token=token),
        410,
        "flow_expired",
    )
    assert (
        call(api, "put", "/me/contact/verify", {"change_id": change_id, "code": code}, token=token).status_code == 204
    )
    assert call(api, "get", "/me", token=token).json()["email"] == "nueva@example.org"
    assert [m.to for m in Message.objects.filter(template="contact_changed")] == ["persona1@example.invalid"]


@pytest.mark.req("REG-4")
def test_contacts_cannot_change_during_the_hold(api, member_account, frozen_clock):
    Account.objects.filter(pk=member_account.pk).update(contact_hold_until=frozen_clock.at.replace(year=2030))
    token = signed_in(api)["access_token"]
    body = {"channel": "sms", "value": "+34 699 111 222"}
    error(call(api, "put", "/me/contact", body, token=token), 403, "contact_change_on_hold")


@pytest.mark.req("UI-1")
def test_language_is_remembered(api, member_account):
    token = signed_in(api)["access_token"]
    assert call(api, "put", "/me/language", {"language": "en"}, token=token).status_code == 204
    member_account.refresh_from_db()
    assert member_account.language == "en"
    error(call(api, "put", "/me/language", {"language": "fr"}, token=token), 400, "invalid")


def test_the_account_endpoints_need_a_token(api):
    for method, path in (("get", "/me"), ("put", "/me/language"), ("post", "/reauthenticate")):
        error(call(api, method, path, {"language": "en"}, token="not-a-token"), 401, "unauthenticated")


def test_sign_in_codes_are_in_the_openapi_document(api):
    listed = {entry["code"] for entry in api.get("/api/v1/openapi.json").json()["info"]["x-error-codes"]}
    assert {
        "invalid_credentials", "captcha_required", "captcha_invalid", "invalid_code", "code_expired",
        "too_many_attempts", "rate_limited", "flow_expired", "unauthenticated", "reauthentication_required",
        "password_policy", "account_frozen", "no_channel", "contact_change_on_hold",
    } <= listed  # fmt: skip
