"""Who processes members' data and where (PRIV-15): a public page and an API list generated from the
`PROCESSORS` setting and the data map, linked from the privacy notice and the privacy centre, every
link to another site marked as such."""

import pytest
from django.test import override_settings

from memberarea.core import datamap

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-15")]

ABROAD = [
    {"kind": "sms", "name": "Texto Lejano Inc.", "website": "https://sms.example.net/", "countries": ["US"],
     "safeguard": "standard contractual clauses", "purposes": ["security"]},
    {"kind": "core_system", "name": "", "website": "", "countries": ["ES"], "safeguard": "",
     "purposes": ["member_service"]},
]  # fmt: skip


def test_the_page_lists_each_processor_with_purpose_categories_and_countries(client):
    page = client.get("/privacy/processors/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for name in ("Correo Ejemplo S.L.", "Mensajes Ejemplo S.L.", "Alojamiento Ejemplo S.A."):
        assert f">{name}</h2>" in page
    assert "Ireland" in page and "All of it stays in the European Economic Area." in page
    # The hosting provider holds every table, so every category the map declares anywhere appears.
    assert str(datamap.CATEGORY_LABELS[datamap.DATE_OF_BIRTH]) in page
    assert 'href="https://hosting.example.com/" class="outside" rel="noopener noreferrer"' in page


def test_a_country_outside_the_eea_is_marked_with_its_safeguard_in_both_languages(client):
    with override_settings(PROCESSORS=ABROAD):
        english = client.get("/privacy/processors/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        spanish = client.get("/privacy/processors/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "United States — outside the European Economic Area: standard contractual clauses" in english
    assert "Estados Unidos — fuera del Espacio Económico Europeo: standard contractual clauses" in spanish
    assert ">El sistema central de la aseguradora</h2>" in spanish  # no name given: the kind's own
    assert "(se abre en otro sitio)" in spanish


def test_the_api_lists_the_same_in_the_requests_language(client):
    with override_settings(PROCESSORS=ABROAD):
        answer = client.get("/api/v1/privacy/processors", HTTP_ACCEPT_LANGUAGE="es")
    sms, core = answer.json()
    assert answer.status_code == 200
    assert sms["countries"] == [{"code": "US", "name": "Estados Unidos", "outside_eea": True}]
    assert sms["safeguard"] == "standard contractual clauses" and sms["website"] == "https://sms.example.net/"
    assert "Datos de contacto" in sms["categories"]  # the map's category, in Spanish
    assert core["name"] == "El sistema central de la aseguradora" and core["website"] == ""


def test_the_notice_and_the_privacy_centre_link_to_it(client, holder_client):
    assert 'href="/privacy/processors/"' in client.get("/privacy/notice/").content.decode()
    assert 'href="/privacy/processors/"' in holder_client.get("/privacy/").content.decode()
