"""POST /api/v1/enrollment/batches (ENR-2): bearer token, batch idempotence, size limit, error shape."""

import json

import pytest

from memberarea.core.models import AuditEntry
from memberarea.enrollment.models import ImportBatch, Membership
from memberarea.enrollment.services import integration_client_create, integration_client_revoke

from .records import member_row, policy_row

pytestmark = pytest.mark.django_db
URL = "/api/v1/enrollment/batches"


@pytest.fixture
def token():
    _, token = integration_client_create(name="core-system")
    return token


def _post(client, body, token=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers, **extra)


def _batch(batch_id="b-1", records=None, **extra):
    if records is None:
        records = [{"record": "policy", **policy_row()}] + [{"record": "member", **member_row(n)} for n in (1, 2)]
    return {"batch_id": batch_id, "send_welcome": False, "records": records, **extra}


@pytest.mark.req("ENR-2")
def test_a_batch_is_applied_and_reports_its_counts_and_row_errors(client, token):
    body = _batch(records=[{"record": "member", **member_row(1)}, {"record": "member", **member_row(2, mobile="1")}])
    body["records"].insert(0, {"record": "policy", **policy_row()})  # policies are applied first anyway
    response = _post(client, body, token)
    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["created"], result["rejected"], result["policies_created"], result["replayed"]) == (1, 1, 1, False)
    assert result["errors"] == [{"row": 3, "field": "mobile", "code": "invalid_phone"}]
    assert Membership.objects.get().member_number == "M000001"


@pytest.mark.req("ENR-2")
def test_a_repeated_batch_id_returns_the_first_result_without_reapplying(client, token):
    first = _post(client, _batch(), token).json()
    audit_count = AuditEntry.objects.count()
    changed = _batch(records=[{"record": "member", **member_row(1, end_date="2026-12-31")}])
    repeat = _post(client, changed, token)
    assert repeat.status_code == 200
    assert repeat.json() == {**first, "replayed": True}
    assert Membership.objects.get(member_number="M000001").end_date is None
    assert AuditEntry.objects.count() == audit_count
    assert ImportBatch.objects.filter(client__name="core-system").count() == 1


@pytest.mark.req("ENR-2")
def test_more_than_ten_thousand_records_are_refused_whole(client, token):
    records = [{"record": "member", "member_number": f"M{n}"} for n in range(10_001)]
    response = _post(client, _batch(records=records), token)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not ImportBatch.objects.exists()


@pytest.mark.req("ENR-2")
def test_ten_thousand_records_fit_in_one_request(client, token, settings):
    settings.ENROLLMENT_IMPORT_CHUNK_SIZE = 5000
    records = [{"record": "policy", **policy_row()}]
    records += [{"record": "member", "member_number": f"M{n}"} for n in range(9_999)]
    response = _post(client, _batch(records=records), token)
    assert response.status_code == 200
    assert response.json()["rejected"] == 9_999


@pytest.mark.req("ENR-2")
@pytest.mark.parametrize("case", ["none", "unknown", "revoked", "basic"])
def test_requests_without_a_valid_token_get_401_in_the_standard_shape(client, token, case):
    headers = {
        "none": {},
        "unknown": {"HTTP_AUTHORIZATION": "Bearer ma_not-a-token"},
        "revoked": {"HTTP_AUTHORIZATION": f"Bearer {token}"},
        "basic": {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"},
    }[case]
    if case == "revoked":
        integration_client_revoke(name="core-system")
    response = client.post(URL, data=json.dumps(_batch()), content_type="application/json", **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert not Membership.objects.exists()


@pytest.mark.req("ENR-2")
def test_malformed_batches_are_400_invalid(client, token):
    response = _post(client, {"batch_id": "b", "records": [{"record": "member", "member_number": 7}]}, token)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "records.0.member_number" in response.json()["error"]["fields"]
    wrong_type = client.post(URL, data="a=b", content_type="text/plain", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert wrong_type.status_code == 415


def _post_bytes(client, body: bytes, token):
    return client.post(URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.req("ENR-2")
def test_a_body_that_is_not_utf8_is_invalid_naming_the_field_and_byte_and_nothing_is_applied(client, token):
    # The API answers in Spanish, the default language.
    body = json.dumps(_batch(), ensure_ascii=False).replace("Nombre", "Íñigo").encode("cp1252")
    response = _post_bytes(client, body, token)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"records.1.first_name", "records.2.first_name"}
    assert error["fields"]["records.1.first_name"] == [
        'No es texto UTF-8 válido (byte 0xCD). Envíelo en UTF-8 o indique la codificación en "encoding", por '
        'ejemplo "cp1252".'
    ]
    assert Membership.objects.count() == 0 and ImportBatch.objects.count() == 0


@pytest.mark.req("ENR-2")
def test_a_body_in_the_encoding_it_names_is_read_in_that_encoding(client, token):
    batch = _batch(encoding="cp1252")
    batch["records"][1]["last_name"] = "Muñoz Garçon (30 €)"
    response = _post_bytes(client, json.dumps(batch, ensure_ascii=False).encode("cp1252"), token)
    assert response.status_code == 200, response.content
    assert Membership.objects.get(member_number="M000001").last_name == "Muñoz Garçon (30 €)"


@pytest.mark.req("ENR-2")
def test_an_unknown_encoding_or_a_byte_outside_the_named_one_is_invalid_on_its_field(client, token):
    response = _post(client, _batch(encoding="utf-16"), token)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["encoding"]
    body = json.dumps(_batch(encoding="cp1252")).replace("Nombre", "Nom\\u00e9").encode().replace(b"Nom", b"N\x81m", 1)
    response = _post_bytes(client, body, token)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields == {
        "records.1.first_name": [
            'No es texto cp1252 válido (byte 0x81). Envíelo en UTF-8 o indique la codificación en "encoding", '
            'por ejemplo "cp1252".'
        ]
    }
    assert Membership.objects.count() == 0
