"""Text that is not Unicode scalar values, or holds NUL, is `invalid` on its field at the edge (REL-1).

JSON's `\\ud800` escape carries an unpaired surrogate into a Python string; hashing, encrypting or
storing it used to fail with a 500. Every string of every body, at any depth, is checked before any
service runs (core/text.py, decision 0028).
"""

import json

import pytest
from django.test import Client

from memberarea.core.text import MESSAGE
from memberarea.identity.models import Account
from tests.api.answers import error
from tests.api.schemas import body_from, request_schema
from tests.api.test_every_declared_error import _operations, _reachable
from tests.identity.registering import HOLDER_NIF, PASSWORD
from tests.identity.signing_in import app_sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.req("API-1"), pytest.mark.req("REL-1")]

SURROGATE, LOW_SURROGATE, NUL = "\ud800", "a\udfffb", "a\x00b"
HOSTILE = (SURROGATE, LOW_SURROGATE, NUL)


def send(api: Client, method: str, path: str, body: dict, bearer: str = ""):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer else {}
    return getattr(api, method)(f"/api/v1{path}", json.dumps(body), content_type="application/json", **headers)


def refused_on(response, *names: str) -> None:
    body = error(response, 400, "invalid")
    assert set(body["fields"]) == set(names), body
    assert all(texts == [str(MESSAGE)] for texts in body["fields"].values())


@pytest.mark.req("LOGIN-1")
@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (lambda t: {"username": t, "password": "x"}, "username"),
        (lambda t: {"username": "99999999R", "password": t}, "password"),
        (lambda t: {"username": HOLDER_NIF, "password": t}, "password"),
        (lambda t: {"username": HOLDER_NIF, "password": PASSWORD, "captcha": t}, "captcha"),
    ],
    ids=["username", "password-unknown-username", "password-known-username", "captcha"],
)
def test_sign_in_refuses_the_text_on_its_field(api, member_account, body, field, text):
    refused_on(send(api, "post", "/login", body(text)), field)


@pytest.mark.req("LOGIN-9")
@pytest.mark.parametrize("field", ["current_password", "password"])
def test_a_password_change_refuses_the_text_and_keeps_the_password(api, member_account, field):
    bearer = app_sign_in(member_account).access_token
    body = {"current_password": PASSWORD, "password": "Otra7Clave8Larga", field: SURROGATE}
    refused_on(send(api, "put", "/me/password", body, bearer), field)
    assert Account.objects.get().check_password(PASSWORD)


@pytest.mark.req("REC-2")
@pytest.mark.parametrize("field", ["token", "password"])
def test_a_reset_confirmation_refuses_the_text(api, member_account, field):
    body = {"token": "x" * 43, "password": "Otra7Clave8Larga", field: SURROGATE}
    refused_on(send(api, "post", "/password-reset/confirm", body), field)


def test_a_bad_key_is_refused_without_being_echoed(api):
    response = send(api, "post", "/login", {"username": "a", "password": "b", "x\ud800": 1})
    refused_on(response, "__all__")


def test_nested_strings_are_named_by_their_path(world):
    method, path, bearer = _reachable(world, "POST /api/v1/enrollment/batches")
    body = {"batch_id": "b-1", "records": [{"record": "policy"}, {"record": "member", "city": NUL}]}
    refused_on(world.call(method, path, body, token=bearer), "records.1.city")


def _with_text(operation: dict) -> bool:
    """The operation's body has a string field (an acknowledgement's version or a map of switches has none)."""
    schema = request_schema(operation)
    return bool(schema) and SURROGATE in json.dumps(body_from(schema, lambda _: SURROGATE), ensure_ascii=False)


def _with_body() -> list[str]:
    return sorted(name for name, (_, _, operation) in _operations().items() if _with_text(operation))


@pytest.mark.parametrize("name", _with_body())
def test_every_operation_with_a_body_refuses_every_string_field(world, name):
    """Each string of the operation's schema set to an unpaired surrogate: 400 `invalid` naming
    each one, whatever the operation and whatever the rest of the body."""
    method, path, bearer = _reachable(world, name)
    operation = _operations()[name][2]
    body = body_from(request_schema(operation), lambda schema: SURROGATE)
    response = world.call(method, path, body, token=bearer)
    fields = error(response, 400, "invalid")["fields"]
    assert fields and all(texts == [str(MESSAGE)] for texts in fields.values()), fields
