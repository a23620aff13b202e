"""The member area in the API (API-1, GUARD-1, GUARD-3, AREA-1, AREA-2): every endpoint through the access check."""

import pytest
from django.test import Client

from memberarea.core.models import AuditEntry
from memberarea.identity.models import Role
from memberarea.identity.services import account_create
from tests.enrollment.records import import_policies, policy_row
from tests.identity.signing_in import app_sign_in
from tests.members.family import account_for, membership

ENDPOINTS = ("/api/v1/members/{id}", "/api/v1/members/{id}/card", "/api/v1/members/{id}/card.pdf")


def get(path: str, tokens=None, language: str = "en"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens.access_token}"} if tokens else {}
    return Client(HTTP_ACCEPT_LANGUAGE=language).get(path, **headers)


@pytest.mark.req("API-1")
@pytest.mark.req("AREA-1")
@pytest.mark.req("GUARD-1")
def test_the_guardian_reads_the_childs_dashboard(member_account):
    tokens = app_sign_in(member_account)
    me = get("/api/v1/me", tokens).json()
    assert [(m["relationship"], m["is_self"]) for m in me["members"]] == [("holder", True), ("child", False)]
    child_id = me["members"][1]["member_id"]

    body = get(f"/api/v1/members/{child_id}", tokens).json()
    assert body["member"]["member_number"] == "M000003" and body["relation"] == "guardian"
    assert body["policy"] == {
        "number": "POL100",
        "type": "individual",
        "status": "active",
        "start_date": "2020-01-01",
        "end_date": None,
        "holder_name": "Titular Ficticio",
    }
    assert [(m["label"], m["is_current"]) for m in body["members"]] == [("Me (Nombre)", False), ("Nombre", True)]
    assert body["contact"]["postal_code"] == "28001"


@pytest.mark.req("API-1")
@pytest.mark.req("AREA-2")
def test_the_guardian_gets_the_childs_card_as_json_and_pdf(member_account):
    tokens = app_sign_in(member_account)
    child = membership(3)
    card = get(f"/api/v1/members/{child.pk}/card", tokens).json()
    assert (card["name"], card["member_number"], card["policy_number"]) == ("Nombre Apellido 3", "M000003", "POL100")
    assert card["valid_until"] is None and card["support_hours"] == "Monday to Friday, 8:00 to 20:00"

    response = get(f"/api/v1/members/{child.pk}/card.pdf", tokens, language="es")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="card-M000003.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(
        event="member.card_downloaded", actor_id=str(member_account.pk), subject_id=str(child.pk)
    ).exists()


@pytest.mark.req("API-1")
@pytest.mark.req("GUARD-3")
def test_others_get_not_found_and_strangers_unauthenticated(member_account):
    child, holder = membership(3), membership(1)
    spouse, abroad = app_sign_in(account_for(2)), app_sign_in(account_for(4))
    for template in ENDPOINTS:
        for tokens in (spouse, abroad):
            for member in (child, holder):
                response = get(template.format(id=member.pk), tokens)
                assert response.status_code == 404, template
                assert response.json()["error"]["code"] == "not_found"
        assert get(template.format(id="not-a-uuid"), spouse).status_code == 404
        response = get(template.format(id=child.pk))
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
    staff = app_sign_in(account_create(username="STAFF-AGENT", password="Staff7Password", roles=(Role.AGENT,)))
    for template in ENDPOINTS:  # staff read members only in the back office, with a reason (BO-4)
        assert get(template.format(id=child.pk), staff).json()["error"]["code"] == "not_found"
    assert not AuditEntry.objects.filter(event="member.card_downloaded").exists()


@pytest.mark.req("API-1")
def test_the_openapi_document_declares_the_pdf(enrolled):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/members/{member_id}/card.pdf"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert {"401", "404"} <= set(operation["responses"])


@pytest.mark.req("API-1")
@pytest.mark.req("AREA-1")
def test_a_family_policy_is_family_in_the_api(member_account):
    import_policies(policy_row(policy_type="family"))
    tokens = app_sign_in(member_account)
    body = get(f"/api/v1/members/{membership(1).pk}", tokens).json()
    assert body["policy"]["type"] == "family" and set(body["policy"]) == {
        "number", "type", "status", "start_date", "end_date", "holder_name"
    }  # fmt: skip
    schema = get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "family" in str(schema)
