"""Partners in the reader's language (PRIV-9, decision 0049): a partner's purpose is given per language
(or as one text for all), shown in the language of the page; a malformed PRIVACY_PARTNERS is a system
check error at start-up, never a crash in the middle of a page."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import translation

from memberarea.identity.models import Role
from memberarea.privacy.partners import partners
from tests.backoffice.conftest import client_for, make_staff

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
