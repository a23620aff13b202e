"""A body that is not `application/json` is 415 `unsupported_media_type` on every operation that
takes one (API-1, REL-1): a page on another site cannot send a "simple" cross-origin POST (text/plain,
a form, multipart) that the API would read as JSON (issue 15, defect 6; decision 0023)."""

import json

import pytest

from memberarea.identity.models import LoginFlow, RecoveryToken
from tests.api.answers import error
from tests.api.schemas import request_schema
from tests.api.test_every_declared_error import _operations, _reachable
from tests.identity.registering import HOLDER_NIF, PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.req("API-1"), pytest.mark.req("REL-1")]

NOT_JSON = {
    "text/plain": "text/plain",
    "xml": "application/xml",
    "form": "application/x-www-form-urlencoded",
    "multipart": "multipart/form-data; boundary=B",
    "json-like": "application/json-patch+json",
    "none": "",
}


def _with_body() -> list[str]:
    return sorted(name for name, (_, _, operation) in _operations().items() if request_schema(operation))


@pytest.mark.parametrize("content_type", NOT_JSON.values(), ids=NOT_JSON.keys())
@pytest.mark.parametrize("name", _with_body())
def test_every_body_that_is_not_json_is_415(world, name, content_type):
    method, path, bearer = _reachable(world, name)
    response = world.call(method, path, json.dumps({"username": "x"}), token=bearer, content_type=content_type)
    error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("content_type", NOT_JSON.values(), ids=NOT_JSON.keys())
def test_a_cross_site_sign_in_or_reset_starts_nothing(world, member_account, content_type):
    body = json.dumps({"username": HOLDER_NIF, "password": PASSWORD})
    error(world.call("post", "/login", body, content_type=content_type), 415, "unsupported_media_type")
    error(world.call("post", "/password-reset", body, content_type=content_type), 415, "unsupported_media_type")
    assert not LoginFlow.objects.exists() and not RecoveryToken.objects.exists()


def test_json_with_a_charset_is_json(world, member_account):
    body = json.dumps({"username": HOLDER_NIF, "password": PASSWORD})
    response = world.call("post", "/login", body, content_type="application/json; charset=utf-8")
    assert response.status_code == 201
