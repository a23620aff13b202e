"""Privacy choices through the API (API-1, PRIV-2, PRIV-3, PRIV-12): read and change preferences with
method "app", one record per switch that moves and none otherwise, the history and one receipt; a
minor has no choices; an unknown purpose is `invalid` on its field."""

import json

import jsonschema
import pytest

from memberarea.privacy.models import ConsentPurpose, ConsentRecord
from tests.api.answers import error
from tests.identity.signing_in import app_sign_in
from tests.privacy.conftest import member_id, records_of
from tests.privacy.test_receipts import SCHEMA

pytestmark = [pytest.mark.django_db, pytest.mark.req("API-1")]


@pytest.fixture
def bearer(member_account) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {app_sign_in(member_account).access_token}"}


def _path(number: int, suffix: str) -> str:
    return f"/api/v1/privacy/members/{member_id(number)}{suffix}"


def change(api, bearer, choices: dict, number: int = 1):
    return api.put(_path(number, "/preferences"), json.dumps({"choices": choices}), "application/json", **bearer)


@pytest.mark.req("PRIV-3")
def test_preferences_read_lists_every_purpose_off_until_given(api, bearer):
    response = api.get(_path(1, "/preferences"), **bearer)

    assert response.status_code == 200
    switches = response.json()["switches"]
    assert [switch["purpose"] for switch in switches] == ConsentPurpose.values
    assert {switch["given"] for switch in switches} == {False}
    assert all(switch["label"] and switch["description"] for switch in switches)


@pytest.mark.req("PRIV-3")
@pytest.mark.req("PRIV-2")
def test_a_change_writes_one_record_per_switch_that_moves_and_none_otherwise(api, bearer, member_account):
    first = change(api, bearer, {"marketing_sms": True, "marketing_email": False})

    assert first.status_code == 200
    assert records_of(member_account) == [("marketing_sms", True, "app", False)]
    assert first.json()["recorded"] == [str(ConsentRecord.objects.get(account=member_account).pk)]
    assert {s["purpose"]: s["given"] for s in first.json()["switches"]}["marketing_sms"] is True

    again = change(api, bearer, {"marketing_sms": True})
    assert again.status_code == 200 and again.json()["recorded"] == []
    assert len(records_of(member_account)) == 1

    change(api, bearer, {"marketing_sms": False})  # withdrawn the same way
    assert records_of(member_account)[-1] == ("marketing_sms", False, "app", False)


def test_an_unknown_purpose_is_invalid_on_its_field_and_nothing_is_written(api, bearer, member_account):
    response = change(api, bearer, {"surveys": True, "telepathy": True})

    body = error(response, 400, "invalid")
    assert set(body["fields"]) == {"choices.telepathy"}
    assert records_of(member_account) == []


@pytest.mark.req("PRIV-2")
@pytest.mark.parametrize("answer", ["yes", "1", "on", "true", 1, 0, None])
def test_only_true_or_false_records_a_consent(api, bearer, member_account, answer):
    """A consent is given by a clear act: "yes", 1 or null is no JSON boolean and writes nothing."""
    response = change(api, bearer, {"marketing_sms": answer})

    body = error(response, 400, "invalid")
    assert set(body["fields"]) == {"choices.marketing_sms"}
    assert records_of(member_account) == []


@pytest.mark.req("PRIV-2")
def test_history_and_receipt(api, bearer, member_account):
    change(api, bearer, {"surveys": True})
    change(api, bearer, {"surveys": False, "analytics": True})

    records = api.get(_path(1, "/consents"), **bearer).json()["records"]
    assert [(r["purpose"], r["given"], r["method"], r["actor"]) for r in records] == [
        ("analytics", True, "app", "member"),
        ("surveys", False, "app", "member"),
        ("surveys", True, "app", "member"),
    ]
    receipt = api.get(_path(1, f"/consents/{records[0]['receipt_id']}"), **bearer)
    assert receipt.status_code == 200
    jsonschema.validate(receipt.json(), SCHEMA)
    assert receipt.json()["receipt_id"] == records[0]["receipt_id"]
    assert receipt.json()["collection_method"] == "app"


@pytest.mark.req("PRIV-12")
@pytest.mark.parametrize(("method", "suffix"), [("get", "/preferences"), ("put", "/preferences"), ("get", "/consents")])
def test_a_minor_has_no_choices(api, bearer, member_account, method, suffix):
    if method == "put":
        response = change(api, bearer, {"surveys": True}, number=3)
    else:
        response = api.get(_path(3, suffix), **bearer)

    error(response, 409, "minor_has_no_choices")
    assert records_of(member_account) == []


@pytest.mark.req("GUARD-3")
def test_another_member_or_receipt_is_not_found(api, bearer):
    error(api.get(_path(2, "/preferences"), **bearer), 404, "not_found")  # the spouse: no relation to act
    error(api.get(_path(1, "/consents/00000000-0000-0000-0000-000000000000"), **bearer), 404, "not_found")
    error(api.get(_path(1, "/consents/not-a-uuid"), **bearer), 404, "not_found")
