"""Rights requests through the API (PRIV-8, API-1): create, list, status with progress, download;
a guardian for the minor only, anyone else's id `not_found`, a stale second step asked again."""

import uuid

import pytest
from django.test import Client

from memberarea.privacy.request_models import RightsRequest
from tests.identity.signing_in import app_sign_in
from tests.members.family import family_add, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-8"), pytest.mark.req("API-1")]


@pytest.fixture
def holder(frozen_clock):
    return family_add("POL-700", 10, 1)


def _client(account) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {app_sign_in(account).access_token}")


def _requests(number: int) -> str:
    return f"/api/v1/privacy/members/{membership(number).pk}/requests"


def test_create_list_status_and_download(holder):
    client = _client(holder)
    made = client.post(
        _requests(10), {"kind": "correction", "correction": {"city": "Sevilla"}}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["state"], body["regime"], body["due_on"], body["progress"]) == ("received", "gdpr", "2026-04-02", 25)
    assert body["days_left"] == 31 and body["has_result"] is False

    listed = client.get(_requests(10)).json()["requests"]
    assert [row["request_id"] for row in listed] == [body["request_id"]]
    status = client.get(f"{_requests(10)}/{body['request_id']}").json()
    assert status["kind_label"] == "Corregir sus datos"  # the API answers in Spanish unless asked otherwise
    download = client.get(f"{_requests(10)}/{body['request_id']}/download")
    assert (download.status_code, download.json()["error"]["code"]) == (409, "export_not_ready")


def test_bad_kind_and_bad_correction_are_invalid(holder):
    client = _client(holder)
    for payload, field in (
        ({"kind": "everything"}, "kind"),
        ({"kind": "correction", "correction": {"nif": "1"}}, "nif"),
    ):
        response = client.post(_requests(10), payload, content_type="application/json")
        assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not RightsRequest.objects.exists()


def test_a_guardian_reaches_the_minor_only_and_others_are_not_found(holder):
    client = _client(holder)
    assert client.post(_requests(11), {"kind": "access"}, content_type="application/json").status_code == 201
    family_add("POL-800", 20, 0)
    for member_id in (membership(20).pk, uuid.uuid4(), "not-an-id"):
        url = f"/api/v1/privacy/members/{member_id}/requests"
        for response in (client.get(url), client.post(url, {"kind": "access"}, content_type="application/json")):
            assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    other = _client(family_add("POL-900", 30, 0))
    made = RightsRequest.objects.get()
    response = other.get(f"/api/v1/privacy/members/{membership(30).pk}/requests/{made.pk}")
    assert response.status_code == 404


def test_a_stale_second_step_is_reauthentication_required(holder, frozen_clock):
    client = _client(holder)
    frozen_clock.advance(minutes=11)
    response = client.post(_requests(10), {"kind": "erasure"}, content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "reauthentication_required")


def test_the_operations_are_in_the_openapi_document_with_the_holdings_summary():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/privacy/members/{member_id}/requests"])
    assert "/api/v1/privacy/members/{member_id}/requests/{request_id}/download" in paths
    assert "get" in paths["/api/v1/privacy/members/{member_id}/holdings"]
