"""POST /api/v1/password-reset…, /username-reminder: the app's recovery, each answer and error code (API-1)."""

import json

import pytest
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from memberarea.core.models import UsedCaptcha
from memberarea.identity.models import Account, RecoveryToken
from tests.api.answers import declared_codes, error
from tests.captcha_solving import captcha_answer
from tests.enrollment.records import nif
from tests.identity.flows.test_recovery import NEW_PASSWORD, link_sent, sql_shapes
from tests.identity.registering import HOLDER_NIF, PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.req("API-1")]

REMINDER = {"member_number": "M-000001", "policy_number": "POL-100", "date_of_birth": "1985-03-12"}


@pytest.fixture(autouse=True)
def _quick_captcha(settings):
    settings.CAPTCHA_MAX_NUMBER = 2_000


def post(api: Client, path: str, body, **headers):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return api.post(f"/api/v1{path}", data, content_type="application/json", **headers)


@pytest.mark.req("REC-1")
@pytest.mark.req("LOGIN-8")
@pytest.mark.parametrize(
    ("path", "bodies"),
    [
        ("/password-reset", ({"username": HOLDER_NIF}, {"username": nif("99999999")})),
        ("/username-reminder", (REMINDER, {**REMINDER, "member_number": "M-999999"})),
    ],
    ids=["password-reset", "username-reminder"],
)
def test_known_and_unknown_look_and_cost_the_same(
    api, member_account, django_capture_on_commit_callbacks, path, bodies
):
    """REL-5: same status, same body, same queries, one queued job each."""
    answers = []
    for number, body in enumerate(bodies):
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            response = post(api, path, {**body, "captcha": captcha_answer()}, REMOTE_ADDR=f"192.0.2.{number + 70}")
        answers.append((response.status_code, response.content, sql_shapes(queries)))
        assert DBTaskResult.objects.count() == number + 1
    assert answers[0] == answers[1]
    assert answers[0][:2] == (202, b"{}")


@pytest.mark.req("REC-1")
def test_a_request_without_or_with_a_bad_captcha_or_too_often(api, member_account, settings):
    settings.RECOVERY_REQUESTS_PER_HOUR = 1
    error(post(api, "/password-reset", {"username": HOLDER_NIF}), 400, "captcha_required")
    error(post(api, "/password-reset", {"username": HOLDER_NIF, "captcha": "bm90"}), 400, "captcha_invalid")
    assert post(api, "/password-reset", {"username": HOLDER_NIF, "captcha": captcha_answer()}).status_code == 202
    error(post(api, "/password-reset", {"username": HOLDER_NIF, "captcha": captcha_answer()}), 429, "rate_limited")
    body = error(post(api, "/password-reset", {"username": "??", "captcha": captcha_answer()}), 400, "invalid")
    assert body["fields"] == {"username": [body["fields"]["username"][0]]}


@pytest.mark.req("REC-3")
def test_confirm_sets_the_password_once(api, member_account):
    token = link_sent()
    response = post(api, "/password-reset/confirm", {"token": token, "password": NEW_PASSWORD})
    assert response.status_code == 204 and response.content == b""
    assert check_password(NEW_PASSWORD, Account.objects.get().password)
    assert "Authorization" not in response.headers and not response.cookies.get("sessionid")
    error(post(api, "/password-reset/confirm", {"token": token, "password": "Otra7Clave"}), 410, "link_invalid")


@pytest.mark.req("REC-3")
def test_confirm_names_each_broken_rule_and_keeps_the_link(api, member_account):
    token = link_sent()
    body = error(post(api, "/password-reset/confirm", {"token": token, "password": "abc"}), 400, "password_policy")
    assert len(body["fields"]["password"]) >= 3
    error(post(api, "/password-reset/confirm", {"token": token, "password": PASSWORD}), 400, "password_policy")
    error(
        post(api, "/password-reset/confirm", {"token": token, "password": "A1" + "b" * 10_000}), 400, "password_policy"
    )
    assert RecoveryToken.objects.get().used_at is None


@pytest.mark.req("REC-2")
def test_an_expired_link_is_gone(api, member_account, frozen_clock):
    token = link_sent()
    frozen_clock.advance(hours=24)
    body = error(post(api, "/password-reset/confirm", {"token": token, "password": NEW_PASSWORD}), 410, "link_invalid")
    assert "24 hours" in body["message"]


@pytest.mark.req("REL-1")
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/password-reset", b"\xff\xfe{not json"),
        ("/password-reset", b'{"username": "\xed\xa0\x80", "captcha": null}'),
        ("/password-reset", {"username": 12345678, "captcha": None}),
        ("/password-reset", {"username": [HOLDER_NIF]}),
        ("/password-reset", {"username": "X" * 10_000, "captcha": "Y" * 10_000}),
        ("/password-reset", []),
        ("/password-reset/confirm", {"token": "t" * 10_000, "password": NEW_PASSWORD}),
        ("/password-reset/confirm", {"token": None, "password": NEW_PASSWORD}),
        ("/password-reset/confirm", b"\xff"),
        ("/username-reminder", {**REMINDER, "date_of_birth": 19850312}),
        ("/username-reminder", {**REMINDER, "member_number": "M" * 10_000}),
        ("/username-reminder", "null"),
    ],
    ids=[
        "broken utf-8", "lone surrogate", "number", "list", "10k", "array",
        "10k token", "null token", "confirm broken utf-8", "number date", "10k member", "json null",
    ],
)  # fmt: skip
def test_bad_bodies_are_invalid_and_write_nothing(api, member_account, path, body):
    link_sent()
    error(post(api, path, body), 400, "invalid")
    assert not DBTaskResult.objects.exists() and not UsedCaptcha.objects.exists()
    assert RecoveryToken.objects.get().used_at is None


@pytest.mark.req("REC-1")
@pytest.mark.req("LOGIN-8")
def test_the_openapi_document_lists_the_operations_and_their_codes(api):
    document = api.get("/api/v1/openapi.json").json()
    listed = {entry["code"]: entry["status"] for entry in document["info"]["x-error-codes"]}
    assert listed["link_invalid"] == 410 and listed["password_policy"] == 400 and listed["rate_limited"] == 429
    operations = document["paths"]
    for path in ("/api/v1/password-reset", "/api/v1/username-reminder"):
        codes = declared_codes(operations[path]["post"])
        assert codes["400"] == {"invalid", "captcha_required", "captcha_invalid"} and codes["429"] == {"rate_limited"}
    codes = declared_codes(operations["/api/v1/password-reset/confirm"]["post"])
    assert codes["400"] == {"invalid", "password_policy"} and codes["410"] == {"link_invalid"}
    assert "429" not in codes
