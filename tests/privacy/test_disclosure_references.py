"""What a member reads as the reference of each disclosure (PRIV-9, decision 0050): a ticket the agent
typed as "Ticket …", a message to the core system as what was sent and why with the day the request it
carried out was received, a partner export as what the list was — in Spanish and English, and never
an internal code (a message topic such as core.member_erasure, a UUID) on the member's page. The API
keeps the stored reference for the app and adds the readable one beside it."""

import html
import re

import pytest
from django.test import Client
from django.utils import translation

from memberarea.identity.models import Role
from memberarea.privacy.consent import consent_set
from memberarea.privacy.disclosures import disclosures_for
from memberarea.privacy.models import ConsentMethod, ConsentPurpose, Disclosure
from memberarea.privacy.partner_exports import partner_export_start
from memberarea.privacy.partners import partner_export_build
from memberarea.privacy.request_models import RequestKind, RightsRequest
from memberarea.privacy.requests import workflow
from tests.backoffice.conftest import client_for, make_staff, open_record
from tests.identity.signing_in import app_sign_in, signed_in_client
from tests.members.family import membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-9")]
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.IGNORECASE)
INTERNAL = ("core.member_", "core_system", "partner_export", "core_message")
TEXTS = {
    "en": {
        "ticket": "Ticket 12345",
        "erasure": "Sent to our insurance system to carry out your erasure request",
        "correction": "Sent to our insurance system to apply the correction you asked for",
        "received": "Your request received on 2 March 2026",
        "partner": "you were in the list of members we sent to this partner that day",
        "why": "What was sent and why",
    },
    "es": {
        "ticket": "Incidencia 12345",
        "erasure": "Enviado a nuestro sistema central de seguros para llevar a cabo su solicitud de supresión",
        "correction": "Enviado a nuestro sistema central de seguros para aplicar la rectificación que pidió",
        "received": "Su solicitud recibida el 02/03/2026",
        "partner": "figuraba en la lista de asegurados que enviamos a este socio ese día",
        "why": "Qué se envió y por qué",
    },
}


def member_page(holder, number: int, language: str) -> str:
    """The text the member reads on the list (the main element, tags and attributes left out)."""
    holder.language = language
    holder.save(update_fields=["language"])
    client = signed_in_client(holder, language=language)[0]
    page = client.get(f"/privacy/disclosures/{membership(number).pk}/").content.decode()
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"<[^>]*>", " ", main.split(">", 1)[1]))


def api_entries(holder, number: int, language: str) -> list[dict]:
    """The list in the app's API, in the language the app asks for (Accept-Language)."""
    token = app_sign_in(holder).access_token
    response = Client().get(f"/api/v1/privacy/members/{membership(number).pk}/disclosures",
                            HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language)  # fmt: skip
    assert response.status_code == 200
    return response.json()["disclosures"]


def no_internal_code(text: str) -> bool:
    return not UUID.search(text) and not any(code in text for code in INTERNAL)


def request_done(holder, officer, number: int, kind: RequestKind, **extra) -> RightsRequest:
    made = workflow.request_make(actor=holder, session=signed_in_client(holder)[1], member_id=membership(number).pk,
                                 kind=kind, method="web_form", **extra)  # fmt: skip
    workflow.request_identity_confirm(officer=officer, request_id=made.pk)
    return workflow.request_start(officer=officer, request_id=made.pk)


@pytest.mark.req("BO-4")
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_ticket_the_agent_typed_reads_as_a_ticket(holder, language):
    assert open_record(client_for(make_staff(Role.AGENT)), membership(10), ticket="12345").status_code == 302

    text = member_page(holder, 10, language)
    assert TEXTS[language]["ticket"] in text and TEXTS[language]["why"] not in text
    assert no_internal_code(text)
    (entry,) = api_entries(holder, 10, language)
    assert (entry["reference"], entry["reference_kind"], entry["reference_label"], entry["detail"]) == (
        "12345", "ticket", TEXTS[language]["ticket"], "")  # fmt: skip


@pytest.mark.req("PRIV-8")
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_correction_sent_to_the_core_system_says_what_and_why_and_the_request_s_day(holder, officer, language):
    started = request_done(holder, officer, 10, RequestKind.CORRECTION, correction={"city": "Sevilla"})
    workflow.request_correction_approve(officer=officer, request_id=started.pk)
    assert Disclosure.objects.get().reference == f"core.member_correction:{started.pk}"  # the stored one stays

    text = member_page(holder, 10, language)
    assert TEXTS[language]["correction"] in text and TEXTS[language]["received"] in text
    assert TEXTS[language]["why"] in text
    assert no_internal_code(text)
    (entry,) = api_entries(holder, 10, language)
    assert (entry["reference"], entry["reference_kind"], entry["reference_label"]) == (
        f"core.member_correction:{started.pk}", "core_message", TEXTS[language]["received"])  # fmt: skip
    assert entry["detail"].startswith(TEXTS[language]["correction"])


@pytest.mark.req("PRIV-8")
@pytest.mark.parametrize("language", ["en", "es"])
def test_an_erasure_sent_to_the_core_system_says_what_and_why_and_the_request_s_day(holder, officer, language):
    """The erased minor's membership is gone, so no page lists it any more: the service's reading is
    what any later reader (an access export of the kept accounting, the officer) would show."""
    erasing = request_done(holder, officer, 11, RequestKind.ERASURE)  # the guardian erases the minor's data
    minor = membership(11).person
    workflow.request_complete(officer=officer, request_id=erasing.pk)
    assert Disclosure.objects.get().reference == f"core.member_erasure:{erasing.pk}"

    with translation.override(language):
        (entry,) = disclosures_for(minor)
    assert (entry["reference_kind"], entry["reference_label"]) == ("core_message", TEXTS[language]["received"])
    assert entry["detail"].startswith(TEXTS[language]["erasure"])
    shown = {key: value for key, value in entry.items() if key.endswith("_label") or key in ("recipient", "detail")}
    assert no_internal_code(str(shown))


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_partner_export_says_what_the_list_was_without_its_id(holder, officer, settings, language):
    settings.PRIVACY_PARTNERS = [{"id": "socio", "name": "Socio de Prueba", "purpose": "Offers", "country": "ES"}]
    consent_set(account=holder, changes={ConsentPurpose.THIRD_PARTY_SHARING: True}, method=ConsentMethod.WEB_FORM,
                language="es")  # fmt: skip
    export = partner_export_start(actor=officer, partner_id="socio")
    assert partner_export_build(export_id=export.pk) == "exported: 1"

    text = member_page(holder, 10, language)
    assert "Socio de Prueba" in text and TEXTS[language]["partner"] in text
    assert no_internal_code(text) and str(export.pk) not in text
    (entry,) = api_entries(holder, 10, language)
    assert (entry["reference"], entry["reference_kind"], entry["reference_label"]) == (
        str(export.pk), "partner_export", "")  # fmt: skip
