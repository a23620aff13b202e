"""What the member reads about the policy (AREA-1, AREA-2, UI-1): its kind translated, "no end date"
rather than an odd phrase, and one unambiguous date format per language on the dashboard, the card
page, the PDF and the emails."""

import datetime as dt
import re
import zlib

import pytest
from django.template import engines
from django.utils import translation

from memberarea.core import clock
from memberarea.core.dates import datetime_with_offset
from memberarea.enrollment.models import Policy
from memberarea.members.card import card_pdf
from memberarea.members.jobs import age_notices_send
from memberarea.notifications.models import Message
from tests.enrollment.records import import_policies, policy_row
from tests.identity.signing_in import signed_in_client
from tests.members.family import account_for, child_add, membership

pytestmark = pytest.mark.django_db

KIND = {"es": "Familiar", "en": "Family"}
NO_END = {"es": "Sin fecha de fin", "en": "No end date"}
START = {"es": "01/01/2020", "en": "1 January 2020"}
END = {"es": "31/12/2024", "en": "31 December 2024"}
ODD = ("until further notice", "hasta nuevo aviso", "Jan. 1, 2020", "01/01/2020" + "x")


def pdf_text(content: bytes) -> str:
    """The text drawn in an fpdf2 PDF: its streams inflated, the strings of its text operators joined."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)
    drawn = b"".join(zlib.decompress(stream) for stream in streams if stream[:1] == b"x")
    return " ".join(part.decode("latin-1") for part in re.findall(rb"\((.*?)\)\s*Tj", drawn))


@pytest.fixture
def family_policy(enrolled):
    """POL-100 (member 2 is an adult on it, with an account) re-imported as a family policy."""
    import_policies(policy_row(policy_type="family"))
    assert Policy.objects.get(number="POL100").type == "family"


def pages(language: str) -> tuple[str, str]:
    client, _ = signed_in_client(account_for(2, language=language))
    member_id = membership(2).pk
    dashboard = client.get(f"/members/{member_id}/")
    card = client.get(f"/members/{member_id}/card/")
    assert dashboard.status_code == card.status_code == 200
    return dashboard.content.decode(), card.content.decode()


@pytest.mark.req("AREA-1")
@pytest.mark.req("AREA-2")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_policy_kind_is_read_translated_on_the_dashboard_the_card_and_the_pdf(family_policy, language):
    dashboard, card = pages(language)
    for page in (dashboard, card):
        assert f"<dd>{KIND[language]}</dd>" in page
        assert "<dd>family</dd>" not in page and "Individual" not in page
    assert KIND[language] in pdf_text(card_pdf(membership(2), language))


@pytest.mark.req("AREA-1")
@pytest.mark.req("AREA-2")
@pytest.mark.parametrize("language", ["es", "en"])
def test_a_policy_without_end_says_no_end_date_everywhere(family_policy, language):
    dashboard, card = pages(language)
    drawn = pdf_text(card_pdf(membership(2), language))
    for text in (dashboard, card, drawn):
        assert NO_END[language] in text
        assert not any(odd in text for odd in ODD)


@pytest.mark.req("AREA-1")
@pytest.mark.req("AREA-2")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize("language", ["es", "en"])
def test_dates_read_the_same_on_the_dashboard_the_card_and_the_pdf(family_policy, language):
    dashboard, card = pages(language)
    assert f"<dd>{START[language]}</dd>" in dashboard and f"<dd>{START[language]}</dd>" in card
    assert START[language] in pdf_text(card_pdf(membership(2), language))
    ended = pdf_text(card_pdf(membership(5), language))  # POL-END ended on 2024-12-31
    assert END[language] in ended


@pytest.mark.req("UI-1")
@pytest.mark.parametrize(
    ("language", "moment", "shown"),
    [
        ("es", dt.datetime(2026, 12, 4, 16, 5, tzinfo=dt.UTC), "04/12/2026 17:05 (UTC+01:00)"),
        ("en", dt.datetime(2026, 12, 4, 16, 5, tzinfo=dt.UTC), "4 December 2026, 17:05 (UTC+01:00)"),
        ("es", dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC), "01/07/2026 10:00 (UTC+02:00)"),
        ("en", dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC), "1 July 2026, 10:00 (UTC+02:00)"),
    ],
)
def test_staff_date_times_carry_the_insurers_offset(language, moment, shown):
    with translation.override(language):
        assert datetime_with_offset(moment) == shown
    assert datetime_with_offset(None) == ""


@pytest.mark.req("UI-1")
@pytest.mark.req("GUARD-2")
def test_emails_write_dates_in_the_recipients_language_format(member_account):
    account_for(2, language="en")
    with clock.frozen(dt.datetime(2026, 1, 10, 7, tzinfo=dt.UTC)):
        child_add(6, "2008-04-15", guardians="M-000001;M-000002", email="")
    with clock.frozen(dt.datetime(2026, 3, 15, 7, tzinfo=dt.UTC)):
        age_notices_send()
    bodies = {m.language: m.body_text for m in Message.objects.filter(template="guardian_ending")}
    assert "15 April 2026" in bodies["en"] and "Apr." not in bodies["en"] and "04/15/2026" not in bodies["en"]
    assert "15/04/2026" in bodies["es"]


@pytest.mark.req("AREA-2")
@pytest.mark.parametrize("language", ["es", "en"])
def test_every_pdf_row_stays_above_the_customer_service_band(enrolled, language):
    content = card_pdf(membership(4), language)  # international: the longest kind and no end date
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)
    drawn = b"".join(zlib.decompress(stream) for stream in streams if stream[:1] == b"x").decode("latin-1")
    band_top = float(re.findall(r"0\.00 ([\d.]+) [\d.]+ -[\d.]+ re f", drawn)[-1])
    rows = [(float(y), text) for y, text in re.findall(r"[\d.]+ ([\d.]+) Td [^(]*\((.*?)\) Tj", drawn)]
    service = [y for y, text in rows if "+34 900 000 001" in text]
    assert service and all(y < band_top for y in service)
    assert all(y > band_top + 3 for y, text in rows if "+34" not in text), rows


@pytest.mark.req("UI-1")
@pytest.mark.parametrize(
    ("language", "instant", "day"),
    [("es", "02/03/2026 10:30", "02/03/2026"), ("en", "2 March 2026, 10:30", "2 March 2026")],
    ids=["es", "en"],
)
def test_pages_show_instants_in_the_insurers_time_zone_in_the_languages_format(language, instant, day):
    moment = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # 10:30 in Madrid (CET)
    with translation.override(language):
        rendered = engines["django"].from_string("{{ moment }}|{{ moment|date }}").render({"moment": moment})
    assert rendered == f"{instant}|{day}"
