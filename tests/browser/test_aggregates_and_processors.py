"""The privacy officer's aggregate reports (PRIV-11) and the public page of processors and countries
(PRIV-15) in Chromium: Spanish and English, phone and desktop widths, reached with the keyboard, axe-core
clean, nothing wider than the screen, and no request leaving 127.0.0.1."""

import pytest
from playwright.sync_api import Page

from memberarea.identity.models import Account
from memberarea.identity.services import account_find
from tests.enrollment.records import import_members, member_row

from .keyboard import follow_with_the_keyboard, serious_findings, words_broken_in_tables

pytestmark = pytest.mark.browser
CASES = [("es", 375), ("en", 1280), ("en", 375), ("es", 1280)]
TEXTS = {
    "es": {"reports": "Informes agregados", "marker": "suprimido", "processors": "Quién trata sus datos, y dónde",
           "hint": "(se abre en otro sitio)", "spain": "España"},
    "en": {"reports": "Aggregate reports", "marker": "suppressed", "processors": "Who processes your data, and where",
           "hint": "(opens another site)", "spain": "Spain"},
}  # fmt: skip


def fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.req("PRIV-11")
@pytest.mark.parametrize(("language", "width"), CASES)
def test_the_privacy_officer_reads_the_reports_with_suppressed_cells_marked(signed_in_page, demo, language, width):
    # Thirty more adults in Madrid, so the page has published counts beside the suppressed ones.
    batch = import_members([member_row(number, policy_number="POL-C-3001") for number in range(1, 31)])
    assert not batch.rejected
    officer = account_find("DEMO-PRIVACY")
    Account.objects.filter(pk=officer.pk).update(language=language)
    officer.refresh_from_db()
    page = signed_in_page(officer, language=language, width=width)[0]
    texts = TEXTS[language]

    page.goto("/staff/")
    follow_with_the_keyboard(page, ".staff-tasks a[href='/staff/privacy/aggregates/']")

    assert page.get_by_role("heading", level=1).inner_text() == texts["reports"]
    assert page.locator("table .suppressed").first.inner_text() == texts["marker"]
    assert page.locator("svg.bar-chart rect.bar").count() >= 1
    assert page.locator("a[href='/staff/privacy/aggregates/age.csv']").is_visible()
    assert serious_findings(page) == [] and fits(page)
    assert words_broken_in_tables(page) == []


@pytest.mark.req("PRIV-9")
@pytest.mark.parametrize(("language", "width"), CASES)
def test_the_partner_export_page_fits_a_phone(signed_in_page, demo, language, width):
    """The partner list names each partner with its purpose, a long line: the choice must still fit."""
    officer = account_find("DEMO-PRIVACY")
    Account.objects.filter(pk=officer.pk).update(language=language)
    officer.refresh_from_db()
    page = signed_in_page(officer, language=language, width=width)[0]
    page.goto("/staff/privacy/partner-exports/")
    assert page.locator("select#id_partner option").count() >= 1
    assert serious_findings(page) == [] and fits(page)


@pytest.mark.req("PRIV-15")
@pytest.mark.parametrize(("language", "width"), CASES)
def test_the_processors_page_is_reached_from_the_notice_and_marks_outside_links(
    open_page, demo_privacy, language, width
):
    page = open_page(language=language, width=width)
    texts = TEXTS[language]
    page.goto("/privacy/notice/")
    follow_with_the_keyboard(page, "main a[href='/privacy/processors/']")

    assert page.get_by_role("heading", level=1).inner_text() == texts["processors"]
    assert texts["spain"] in page.locator("main").inner_text()
    outside = page.locator("main a.outside")
    assert outside.count() == 3
    for index in range(outside.count()):
        link = outside.nth(index)
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert texts["hint"] in link.text_content()
    assert serious_findings(page) == [] and fits(page)
