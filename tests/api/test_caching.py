"""No API answer is kept by a browser or a shared cache, but the OpenAPI document (API-1, REL-6).

Issue 15, defect 5: /me, /members/{id}, the card, /sessions, /token/refresh and the sign-in and
registration steps carried personal data or tokens without `Cache-Control: no-store`.
"""

import json

import pytest

from tests.api.test_every_declared_error import _operations, _reachable
from tests.identity.registering import HOLDER_NIF, PASSWORD, identify
from tests.identity.signing_in import app_sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.req("API-1"), pytest.mark.req("REL-6")]


@pytest.mark.parametrize("name", sorted(_operations()))
def test_every_operation_answers_no_store(world, name):
    method, path, bearer = _reachable(world, name)
    response = world.call(method, path, {}, token=bearer)
    assert response["Cache-Control"] == "no-store", (name, response.status_code)


def test_the_answers_with_personal_data_or_tokens_are_no_store(world, member_account):
    tokens = app_sign_in(member_account)
    me = world.call("get", "/me", token=tokens.access_token)
    member_id = me.json()["members"][0]["member_id"]
    answers = {
        "me": me,
        "dashboard": world.call("get", f"/members/{member_id}", token=tokens.access_token),
        "card": world.call("get", f"/members/{member_id}/card", token=tokens.access_token),
        "card.pdf": world.call("get", f"/members/{member_id}/card.pdf", token=tokens.access_token),
        "sessions": world.call("get", "/sessions", token=tokens.access_token),
        "refresh": world.call("post", "/token/refresh", {"refresh_token": tokens.refresh_token}),
        "login": world.call("post", "/login", {"username": HOLDER_NIF, "password": PASSWORD}),
    }
    for name, response in answers.items():
        assert response.status_code < 300, (name, response.content)
        assert response["Cache-Control"] == "no-store", name


def test_a_registration_step_is_no_store(world, enrolled):
    response = world.call("post", "/registration", identify(1))
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    assert json.loads(response.content)["details"]["first_name"]


def test_the_openapi_document_may_be_cached(api):
    assert "Cache-Control" not in api.get("/api/v1/openapi.json")
