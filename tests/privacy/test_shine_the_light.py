"""Shine the Light (PRIV-10): the third parties that received the person's data for their own direct
marketing in the previous calendar year — from the disclosures, the year in the insurer's time zone —
as a page, a PDF and an API answer; "none" is a valid, dated answer."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client

from memberarea.core import clock, datamap
from memberarea.core.models import AuditEntry
from memberarea.identity.models import Role
from memberarea.members.access import access_member
from memberarea.privacy.disclosures import disclosure_record
from memberarea.privacy.models import LegalBasis, RecipientKind
from memberarea.privacy.shine_the_light import previous_year, shine_the_light_answer
from tests.backoffice.conftest import make_staff
from tests.identity.signing_in import app_sign_in, signed_in_client
from tests.members.family import family_add, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-10")]
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
LAST_MINUTE_OF_2025 = dt.datetime(2025, 12, 31, 23, 59, tzinfo=MADRID)
FIRST_MINUTE_OF_2026 = dt.datetime(2026, 1, 1, 0, 0, tzinfo=MADRID)


@pytest.fixture
def holder():
    """Member 10 on POL-700 with an account, guardian of member 11 (a minor without one)."""
    return family_add("POL-700", 10, 1)


def shared(number: int, *, recipient: str = "Socio Ejemplo", marketing: bool = True, categories=("name", "contact")):
    return disclosure_record(membership=membership(number), recipient=recipient,
                             recipient_kind=RecipientKind.THIRD_PARTY, purpose=datamap.MARKETING,
                             categories=categories, legal_basis=LegalBasis.CONSENT,
                             for_direct_marketing=marketing)  # fmt: skip


def names(answer) -> list[str]:
    return [recipient["name"] for recipient in answer["recipients"]]


def test_a_member_with_marketing_disclosures_last_year_gets_each_recipient_and_its_categories(holder):
    with clock.frozen(dt.datetime(2025, 5, 1, 10, tzinfo=dt.UTC)):
        shared(10, categories=["name"])
        shared(10, categories=["contact"])
        shared(10, recipient="Otra Entidad", categories=["name"])
        shared(10, recipient="Proveedor", marketing=False)  # for us, not for its own marketing
        access_member(actor=make_staff(Role.AGENT), member_id=membership(10).pk, purpose="record",
                      reason="member_called", ticket="T-1")  # fmt: skip
    with clock.frozen(dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC)):
        answer = shine_the_light_answer(membership(10).person, previous_year())
    assert (answer["year"], answer["none"], names(answer)) == (2025, False, ["Otra Entidad", "Socio Ejemplo"])
    assert answer["recipients"][1]["categories"] == [datamap.CONTACT, datamap.NAME]
    assert answer["recipients"][1]["times"] == 2
    assert (answer["period_start"], answer["period_end"]) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_a_member_without_any_is_answered_none_with_the_date(holder):
    with clock.frozen(dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC)):
        shared(10)  # this year: not part of last year's answer
        answer = shine_the_light_answer(membership(10).person, previous_year())
    assert (answer["year"], answer["none"], answer["recipients"]) == (2025, True, [])
    assert answer["answered_at"] == dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC)


def test_the_year_ends_at_midnight_in_the_insurer_s_time_zone(holder):
    with clock.frozen(LAST_MINUTE_OF_2025):
        shared(10, recipient="En 2025")
    with clock.frozen(FIRST_MINUTE_OF_2026):
        shared(10, recipient="En 2026")
    person = membership(10).person
    assert names(shine_the_light_answer(person, 2025)) == ["En 2025"]
    assert names(shine_the_light_answer(person, 2026)) == ["En 2026"]
    # In UTC both are on 31 December 2025; the insurer's calendar decides.
    assert LAST_MINUTE_OF_2025.astimezone(dt.UTC).date() == FIRST_MINUTE_OF_2026.astimezone(dt.UTC).date()


def test_the_previous_year_turns_at_midnight_in_the_insurer_s_time_zone():
    with clock.frozen(LAST_MINUTE_OF_2025):
        assert previous_year() == 2024
    with clock.frozen(FIRST_MINUTE_OF_2026):
        assert previous_year() == 2025


@pytest.mark.req("API-1")
def test_the_api_answers_for_oneself_and_a_guardian_s_minor_and_nobody_else(holder):
    with clock.frozen(dt.datetime(2025, 7, 1, 10, tzinfo=dt.UTC)):
        shared(11)
    token = app_sign_in(holder).access_token
    stranger_token = app_sign_in(family_add("POL-701", 20, 0)).access_token
    with clock.frozen(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)):
        minor = Client().post(f"/api/v1/privacy/members/{membership(11).pk}/shine-the-light",
                              HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
        own = Client().post(f"/api/v1/privacy/members/{membership(10).pk}/shine-the-light",
                            HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
        other = Client().post(f"/api/v1/privacy/members/{membership(11).pk}/shine-the-light",
                              HTTP_AUTHORIZATION=f"Bearer {stranger_token}")  # fmt: skip
    assert minor.status_code == 200 and own.status_code == 200
    assert (minor.json()["year"], minor.json()["none"], names(minor.json())) == (2025, False, ["Socio Ejemplo"])
    assert (own.json()["none"], own.json()["period_end"]) == (True, "2025-12-31")
    assert (other.status_code, other.json()["error"]["code"]) == (404, "not_found")
    assert AuditEntry.objects.filter(event="privacy.shine_the_light_answered").count() == 2


@pytest.mark.req("API-1")
@pytest.mark.req("PRIV-10")
def test_the_api_answers_another_year_when_asked_and_refuses_one_out_of_range(holder):
    with clock.frozen(dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC)):
        shared(10)
    token = app_sign_in(holder).access_token
    path = f"/api/v1/privacy/members/{membership(10).pk}/shine-the-light"
    with clock.frozen(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)):
        answers = {year: Client().post(f"{path}/{year}", HTTP_AUTHORIZATION=f"Bearer {token}")
                   for year in ("2026", "2025", "1999", "2027", "abc", "02026")}  # fmt: skip
    assert (answers["2026"].json()["year"], names(answers["2026"].json())) == (2026, ["Socio Ejemplo"])
    assert (answers["2025"].json()["year"], answers["2025"].json()["none"]) == (2025, True)
    for year in ("1999", "2027", "abc", "02026"):
        assert (answers[year].status_code, answers[year].json()["error"]["code"]) == (400, "invalid"), year
        assert "year" in answers[year].json()["error"]["fields"], year
    assert AuditEntry.objects.filter(event="privacy.shine_the_light_answered").count() == 2


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_page_and_the_pdf_in_both_languages(holder, language):
    holder.language = language
    holder.save(update_fields=["language"])
    with clock.frozen(dt.datetime(2025, 7, 1, 10, tzinfo=dt.UTC)):
        shared(10)
    client, _session = signed_in_client(holder, language=language)
    with clock.frozen(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)):
        assert client.get("/privacy/shine-the-light/")["Location"] == f"/privacy/shine-the-light/{membership(10).pk}/"
        page = client.get(f"/privacy/shine-the-light/{membership(10).pk}/").content.decode()
        pdf = client.get(f"/privacy/shine-the-light/{membership(10).pk}/answer.pdf")
        minor_page = client.get(f"/privacy/shine-the-light/{membership(11).pk}/").content.decode()
    assert "Socio Ejemplo" in page
    assert ("Who received your data" if language == "en" else "Quién recibió sus datos") in page
    assert ("None:" if language == "en" else "Ninguno:") in minor_page
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="shine-the-light-2025.pdf"'


def test_the_page_also_answers_for_this_year_so_far_and_no_other(holder):
    with clock.frozen(dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC)):
        shared(10, recipient="Este año")
    client, _session = signed_in_client(holder, language="en")
    page_of = f"/privacy/shine-the-light/{membership(10).pk}/"
    with clock.frozen(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)):
        this_year = client.get(page_of, {"year": "2026"}).content.decode()
        last_year = client.get(page_of).content.decode()
        other = client.get(page_of, {"year": "1999"}).content.decode()
        pdf = client.get(f"{page_of}answer.pdf", {"year": "2026"})
    assert "Este año" in this_year and 'href="?year=2026" aria-current="page"' in this_year
    assert "Este año" not in last_year and "None:" in last_year
    assert "None:" in other and 'href="?year=2025" aria-current="page"' in other  # any other year: last year
    assert pdf["Content-Disposition"] == 'attachment; filename="shine-the-light-2026.pdf"'
