"""After a registration, nothing the member typed is readable in a database dump or in the logs (REL-7)."""

import datetime as dt
import logging

import pytest
from django.test import Client

from tests.enrollment.records import clear_text_forms, database_dump
from tests.identity.registering import PASSWORD, identify, last_code

pytestmark = pytest.mark.django_db


@pytest.mark.req("REG-3")
@pytest.mark.req("OPS-3")
def test_new_contacts_address_document_and_codes_are_not_in_clear(enrolled, caplog):
    caplog.set_level(logging.DEBUG)
    api = Client()
    flow_id = api.post("/api/v1/registration", identify(2), content_type="application/json").json()["flow_id"]
    details = {
        "document_type": "passport", "document_number": "QK5566778", "document_country": "GB",
        "email": "secreta.nueva@example.org", "phone": "+34 677 88 99 00",
        "address": {"line1": "Paseo Escondido 77", "postal_code": "08001", "city": "Barcelona"},
    }  # fmt: skip
    api.post(f"/api/v1/registration/{flow_id}/details", details, content_type="application/json")
    codes = [last_code("secreta.nueva@example.org"), last_code("+34677889900")]
    for channel, code in zip(("email", "sms"), codes, strict=True):
        api.post(
            f"/api/v1/registration/{flow_id}/verify",
            {"channel": channel, "code": code},
            content_type="application/json",
        )
    response = api.post(
        f"/api/v1/registration/{flow_id}/password", {"password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 201

    dump = database_dump()
    assert "M000002" in dump
    forms = clear_text_forms(
        date_of_birth=dt.date(1985, 3, 12),
        mobile="+34677889900",
        document="QK5566778",
        email="secreta.nueva@example.org",
    )
    forms += ["Paseo Escondido", PASSWORD, response.json()["access_token"], response.json()["refresh_token"]]
    forms += [f"code is {code}" for code in codes] + [f"\n{code}\n" for code in codes]
    assert [form for form in forms if form in dump] == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert [form for form in [*forms, flow_id] if form in logged] == []
