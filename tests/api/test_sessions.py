"""The app's session endpoints (LOGIN-5, LOGIN-6, API-1): refresh with rotation and reuse detection,
logout, and the registry: list, end one, end all others."""

import json
import uuid

import pytest
from django.test import Client

from memberarea.identity.models import SessionRecord, TrustedDevice
from memberarea.identity.sessions import app_session_for_access_token
from tests.api.answers import declared_codes, error
from tests.identity.signing_in import app_sign_in, other_member, signed_in_client, trusted_device

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def refresh(api: Client, token) -> object:
    return api.post("/api/v1/token/refresh", json.dumps({"refresh_token": token}), content_type="application/json")


@pytest.mark.req("API-1")
@pytest.mark.req("LOGIN-5")
def test_refresh_answers_a_new_pair_and_the_old_access_token_stops(api, member_account):
    tokens = app_sign_in(member_account)
    response = refresh(api, tokens.refresh_token)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "expires_at"}
    assert body["refresh_token"] != tokens.refresh_token
    assert api.get("/api/v1/sessions", **bearer(body["access_token"])).status_code == 200
    error(api.get("/api/v1/sessions", **bearer(tokens.access_token)), 401, "unauthenticated")


@pytest.mark.req("API-1")
@pytest.mark.req("LOGIN-5")
def test_a_reused_refresh_token_is_401_token_reused_and_ends_the_session(api, member_account):
    tokens = app_sign_in(member_account)
    newer = refresh(api, tokens.refresh_token).json()
    error(refresh(api, tokens.refresh_token), 401, "token_reused")
    error(refresh(api, newer["refresh_token"]), 401, "unauthenticated")
    error(api.get("/api/v1/sessions", **bearer(newer["access_token"])), 401, "unauthenticated")
    assert SessionRecord.objects.get().end_reason == "token_reused"


@pytest.mark.req("API-1")
def test_refresh_refuses_unknown_and_malformed_tokens(api, member_account):
    error(refresh(api, "unknown"), 401, "unauthenticated")
    error(refresh(api, "x" * 600), 400, "invalid")
    error(api.post("/api/v1/token/refresh", "{}", content_type="application/json"), 400, "invalid")


@pytest.mark.req("API-1")
@pytest.mark.req("LOGIN-5")
def test_logout_ends_the_app_session(api, member_account):
    tokens = app_sign_in(member_account)
    response = api.post("/api/v1/logout", **bearer(tokens.access_token))
    assert response.status_code == 204 and response.content == b""
    assert app_session_for_access_token(tokens.access_token) is None
    error(api.post("/api/v1/logout", **bearer(tokens.access_token)), 401, "unauthenticated")
    error(refresh(api, tokens.refresh_token), 401, "unauthenticated")


@pytest.mark.req("API-1")
@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-6")
def test_the_list_has_every_session_and_trusted_device_and_marks_the_current_one(api, member_account, frozen_clock):
    _, browser = signed_in_client(member_account)
    device = trusted_device(member_account, at=frozen_clock.at)
    frozen_clock.advance(minutes=2)
    tokens = app_sign_in(member_account)
    response = api.get("/api/v1/sessions", **bearer(tokens.access_token))
    assert response.status_code == 200
    listed = response.json()
    assert [(entry["session_id"], entry["kind"], entry["current"]) for entry in listed] == [
        (str(tokens.session.pk), "app", True),
        (str(browser.pk), "browser", False),
        (str(device.pk), "trusted_device", False),
    ]
    assert set(listed[0]) == {
        "session_id", "kind", "device", "browser", "system", "network", "created_at", "last_seen_at", "current",
        "trusted_until",
    }  # fmt: skip
    assert (listed[1]["browser"], listed[1]["system"], listed[1]["trusted_until"]) == ("Firefox", "Windows", None)
    assert listed[2]["trusted_until"] is not None
    assert listed[1]["device"] == "Firefox on Windows" and listed[1]["network"] == "192.0.2.0/24"
    spanish = api.get("/api/v1/sessions", HTTP_ACCEPT_LANGUAGE="es", **bearer(tokens.access_token)).json()
    assert spanish[1]["device"] in {"Firefox en Windows", "Firefox on Windows"}  # until the catalogue has it


@pytest.mark.req("API-1")
@pytest.mark.req("LOGIN-5")
def test_ending_one_session_or_trusted_device(api, member_account, frozen_clock):
    tokens = app_sign_in(member_account)
    other_app = app_sign_in(member_account)
    device = trusted_device(member_account, at=frozen_clock.at)
    for entry_id in (other_app.session.pk, device.pk):
        response = api.delete(f"/api/v1/sessions/{entry_id}", **bearer(tokens.access_token))
        assert response.status_code == 204
        error(api.delete(f"/api/v1/sessions/{entry_id}", **bearer(tokens.access_token)), 404, "not_found")
    assert app_session_for_access_token(other_app.access_token) is None
    device.refresh_from_db()
    assert device.revoked_at is not None


@pytest.mark.req("API-1")
@pytest.mark.req("LOGIN-5")
def test_another_members_session_is_404_and_nothing_ends(api, member_account, frozen_clock):
    tokens = app_sign_in(member_account)
    other = other_member()
    theirs = app_sign_in(other)
    their_device = trusted_device(other, at=frozen_clock.at)
    for entry_id in (theirs.session.pk, their_device.pk, uuid.uuid4(), "not-a-uuid"):
        error(api.delete(f"/api/v1/sessions/{entry_id}", **bearer(tokens.access_token)), 404, "not_found")
    assert app_session_for_access_token(theirs.access_token) is not None
    assert TrustedDevice.objects.get(pk=their_device.pk).revoked_at is None


@pytest.mark.req("API-1")
@pytest.mark.req("LOGIN-5")
def test_ending_all_others_keeps_this_session(api, member_account, frozen_clock):
    tokens = app_sign_in(member_account)
    others = [app_sign_in(member_account) for _ in range(2)]
    signed_in_client(member_account)
    trusted_device(member_account, at=frozen_clock.at)
    response = api.delete("/api/v1/sessions", **bearer(tokens.access_token))
    assert response.status_code == 200 and response.json() == {"ended": 4}
    assert all(app_session_for_access_token(other.access_token) is None for other in others)
    listed = api.get("/api/v1/sessions", **bearer(tokens.access_token)).json()
    assert [entry["session_id"] for entry in listed] == [str(tokens.session.pk)]


@pytest.mark.req("API-1")
def test_the_registry_endpoints_need_an_access_token(api, member_account):
    for method, path in (
        ("post", "/api/v1/logout"),
        ("get", "/api/v1/sessions"),
        ("delete", "/api/v1/sessions"),
        ("delete", f"/api/v1/sessions/{uuid.uuid4()}"),
    ):
        error(getattr(api, method)(path), 401, "unauthenticated")
        error(getattr(api, method)(path, **bearer("made-up")), 401, "unauthenticated")


@pytest.mark.req("API-1")
def test_the_openapi_document_lists_the_endpoints_and_their_error_codes(api):
    document = api.get("/api/v1/openapi.json").json()
    codes = {entry["code"]: entry["status"] for entry in document["info"]["x-error-codes"]}
    assert codes["token_reused"] == 401
    paths = document["paths"]
    refresh_operation = paths["/api/v1/token/refresh"]["post"]
    assert declared_codes(refresh_operation)["401"] == {"token_reused", "unauthenticated"}
    assert "token_reused" in refresh_operation["responses"]["401"]["description"]
    assert "security" not in refresh_operation
    end_one = declared_codes(paths["/api/v1/sessions/{session_id}"]["delete"])
    assert end_one["404"] == {"not_found"} and end_one["401"] == {"unauthenticated"}
    for method in ("get", "delete"):
        assert paths["/api/v1/sessions"][method]["security"] == [{"AppToken": []}]
