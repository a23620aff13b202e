"""Partners in the reader's language (PRIV-9, decision 0049): a partner's purpose is given per language
(or as one text for all), shown in the language of the page; a malformed PRIVACY_PARTNERS is a system
check error at start-up, never a crash in the middle of a page."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.utils import translation

from memberarea.identity.models import Role
from memberarea.privacy.partners import partners
from tests.backoffice.conftest import client_for, make_staff
from tests.identity.signing_in import app_sign_in, signed_in_client
from tests.privacy.conftest import member_id

pytestmark = pytest.mark.req("PRIV-9")
BILINGUAL = {
    "id": "viajes-sol",
    "name": "Viajes Sol",
    "country": "ES",
    "purpose": {"es": "Ofertas de seguros de viaje", "en": "Travel insurance offers"},
}


def check_ids(value) -> list[str]:
    """The ids of the errors the registered checks give for PRIVACY_PARTNERS = `value`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.PRIVACY_PARTNERS", value, raising=False)
        return sorted(message.id for message in checks.run_checks() if message.id.startswith("privacy."))


def purpose_in(language: str) -> str:
    with translation.override(language):
        return partners()[0].purpose


def test_the_purpose_follows_the_active_language(settings):
    settings.PRIVACY_PARTNERS = [BILINGUAL]
    assert (purpose_in("es"), purpose_in("en")) == ("Ofertas de seguros de viaje", "Travel insurance offers")
    assert partners()[0].purpose_in("en-gb") == "Travel insurance offers"


def test_a_purpose_given_as_one_text_serves_every_language(settings):
    settings.PRIVACY_PARTNERS = [{**BILINGUAL, "purpose": "Travel insurance offers"}]
    assert purpose_in("es") == purpose_in("en") == "Travel insurance offers"


def test_a_missing_language_falls_back_to_the_site_s_then_to_any(settings):
    settings.PRIVACY_PARTNERS = [{**BILINGUAL, "purpose": {"es": "Ofertas de seguros de viaje"}}]
    assert purpose_in("en") == "Ofertas de seguros de viaje"  # LANGUAGE_CODE is es
    settings.PRIVACY_PARTNERS = [{**BILINGUAL, "purpose": {"en": "Travel insurance offers"}}]
    assert purpose_in("es") == "Travel insurance offers"  # no Spanish, no site language: the one there is


def test_the_demo_partner_speaks_both_languages(settings):
    from memberarea.settings.base import _PARTNERS_DEMO  # noqa: PLC0415  (the demo's own list)

    settings.PRIVACY_PARTNERS = _PARTNERS_DEMO
    spanish, english = purpose_in("es"), purpose_in("en")
    assert "seguros de viaje" in spanish and "travel insurance" in english
    assert check_ids(_PARTNERS_DEMO) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([BILINGUAL, {**BILINGUAL, "id": "otro", "purpose": "Offers"}], []),
        ([], []),
        ({"id": "viajes-sol"}, ["privacy.E001"]),
        (["viajes-sol"], ["privacy.E001"]),
        ([{key: value for key, value in BILINGUAL.items() if key != "country"}], ["privacy.E002"]),
        ([{**BILINGUAL, "purpse": "Offers"}], ["privacy.E002"]),
        ([{**BILINGUAL, "purpose": ["Offers"]}], ["privacy.E003"]),
        ([{**BILINGUAL, "purpose": {"fr": "Offres"}}], ["privacy.E003"]),
        ([{**BILINGUAL, "purpose": {}}], ["privacy.E003"]),
        ([{**BILINGUAL, "purpose": {"es": 3}}], ["privacy.E003"]),
        ([{**BILINGUAL, "name": 7}], ["privacy.E003"]),
        ([{**BILINGUAL, "purpose": "  "}], ["privacy.E004"]),
        ([{**BILINGUAL, "purpose": {"es": "Ofertas", "en": ""}}], ["privacy.E004"]),
        ([{**BILINGUAL, "name": ""}], ["privacy.E004"]),
        ([BILINGUAL, {**BILINGUAL, "name": "Otro"}], ["privacy.E005"]),
        ([{**BILINGUAL, "id": "x" * 33}], ["privacy.E006"]),
        ([{**BILINGUAL, "id": ""}], ["privacy.E006"]),
        ([{**BILINGUAL, "id": 12}], ["privacy.E006"]),
        ([{**BILINGUAL, "country": "ESP"}], ["privacy.E007"]),
        ([{**BILINGUAL, "country": "es"}], ["privacy.E007"]),
        ([{**BILINGUAL, "country": None}], ["privacy.E007"]),
    ],
)
def test_a_malformed_setting_is_a_system_check_error(value, expected):
    assert check_ids(value) == expected


def test_the_check_stops_manage_py_with_a_clear_message(settings):
    settings.PRIVACY_PARTNERS = [{**BILINGUAL, "id": "x" * 33}]
    with pytest.raises(SystemCheckError, match=r"privacy\.E006.*id must be a text of 1 to 32 characters"):
        call_command("check")


@pytest.mark.django_db
def test_the_officer_s_page_shows_the_purpose_in_the_page_s_language(settings):
    settings.PRIVACY_PARTNERS = [BILINGUAL]
    officer = make_staff(Role.PRIVACY_OFFICER)
    spanish = client_for(officer).get("/staff/privacy/partner-exports/").content.decode()
    assert "Ofertas de seguros de viaje" in spanish and "Travel insurance offers" not in spanish
    officer.language = "en"
    officer.save(update_fields=["language"])
    english = client_for(officer).get("/staff/privacy/partner-exports/").content.decode()
    assert "Travel insurance offers" in english and "Ofertas de seguros de viaje" not in english


def page_in(account, language: str) -> str:
    account.language = language
    account.save(update_fields=["language"])
    return signed_in_client(account, language=language)[0].get("/privacy/preferences/").content.decode()


@pytest.mark.req("PRIV-3")
@pytest.mark.django_db
def test_the_sharing_switch_names_each_partner_and_its_purpose_in_the_page_s_language(settings, member_account):
    settings.PRIVACY_PARTNERS = [BILINGUAL]
    spanish = page_in(member_account, "es")
    assert "<strong>Viajes Sol</strong> (España): Ofertas de seguros de viaje" in spanish
    assert "Travel insurance offers" not in spanish and "los socios que se indican aquí" in spanish
    english = page_in(member_account, "en")
    assert "<strong>Viajes Sol</strong> (Spain): Travel insurance offers" in english
    assert "Ofertas de seguros de viaje" not in english and "the partners listed here" in english

    settings.PRIVACY_PARTNERS = []
    assert "No partner is named at present: nothing is shared" in page_in(member_account, "en")


@pytest.mark.req("API-1")
@pytest.mark.req("PRIV-3")
@pytest.mark.django_db
def test_the_api_answers_the_partners_purpose_in_the_request_s_language(settings, member_account):
    settings.PRIVACY_PARTNERS = [BILINGUAL]
    path = f"/api/v1/privacy/members/{member_id(1)}/preferences"
    bearer = f"Bearer {app_sign_in(member_account).access_token}"

    def sharing(language: str) -> dict:
        answer = Client(HTTP_ACCEPT_LANGUAGE=language).get(path, HTTP_AUTHORIZATION=bearer).json()
        return {switch["purpose"]: switch["partners"] for switch in answer["switches"]}

    spanish, english = sharing("es"), sharing("en")
    assert spanish["third_party_sharing"] == [
        {"id": "viajes-sol", "name": "Viajes Sol", "country": "ES", "country_name": "España",
         "purpose": "Ofertas de seguros de viaje"},
    ]  # fmt: skip
    assert english["third_party_sharing"][0]["purpose"] == "Travel insurance offers"
    assert english["third_party_sharing"][0]["country_name"] == "Spain"
    assert english["marketing_email"] == []  # only the sharing switch gives data to partners
