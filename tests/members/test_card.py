"""The digital member card (AREA-2): page, PDF and their shared data; each download is audited (GUARD-1)."""

import datetime as dt

import pytest

from memberarea.core.models import AuditEntry
from memberarea.members.card import card_data, card_pdf
from tests.identity.signing_in import signed_in_client
from tests.members.family import membership


@pytest.mark.req("AREA-2")
def test_card_data_names_the_member_the_policy_and_customer_service(enrolled):
    data = card_data(membership(3))
    assert data["name"] == "Nombre Apellido 3"
    assert (data["member_number"], data["policy_number"]) == ("M000003", "POL100")
    assert data["valid_from"] == dt.date(2020, 1, 1) and data["valid_until"] is None
    assert data["support_phone"] == "+34 900 000 000" and data["brand_name"] == "Ejemplia Salud"
    assert card_data(membership(4))["support_phone"] == "+34 900 000 001"  # international plans
    assert card_data(membership(5))["valid_until"] == dt.date(2024, 12, 31)  # the policy's end


@pytest.mark.req("AREA-2")
def test_the_pdf_is_one_card_in_the_language_asked(enrolled):
    content = card_pdf(membership(3), "es")
    assert content.startswith(b"%PDF")
    assert b"/Count 1" in content


@pytest.mark.req("AREA-2")
@pytest.mark.req("GUARD-1")
@pytest.mark.req("UI-2")
def test_the_guardian_opens_the_childs_card_and_downloads_it(member_account):
    client, _ = signed_in_client(member_account)
    child = membership(3)
    page = client.get(f"/members/{child.pk}/card/").content.decode()
    assert "Nombre Apellido 3" in page and "M000003" in page and "POL100" in page
    assert "+34 900 000 000" in page
    assert "style=" not in page  # the CSP allows no inline styles
    assert f'<a href="/members/{child.pk}/card/" aria-current="page">Nombre</a>' in page

    response = client.get(f"/members/{child.pk}/card.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="card-M000003.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.filter(event="member.card_downloaded").get()
    assert (entry.actor_id, entry.subject_id, entry.data) == (
        str(member_account.pk),
        str(child.pk),
        {"relation": "guardian"},
    )
