"""The staff charts' text is readable on a phone (UI-2, PRIV-11, PRIV-6; decision 0050): the privacy
officer's age-band chart on the aggregate reports and the page-views chart, in Chromium at 375 px and
1280 px, Spanish and English. The drawing scales with the column, text included, so what is measured
is the text as drawn: its size in the drawing times the drawing's scale on the screen (≥ 11 px), its
box inside the drawing, no two labels on top of each other, and the table twin still there."""

import datetime as dt

import pytest

from memberarea.core import clock
from memberarea.identity.models import Account
from memberarea.identity.services import account_find
from memberarea.privacy.analytics import page_view_count

from .charts import readable_drawing
from .keyboard import serious_findings

pytestmark = pytest.mark.browser
CASES = [("es", 375), ("en", 1280), ("en", 375), ("es", 1280)]
BANDS = {"es": ["De 18 a 29", "65 o más"], "en": ["18 to 29", "65 and over"]}


def privacy_officer(language: str) -> Account:
    officer = account_find("DEMO-PRIVACY")
    Account.objects.filter(pk=officer.pk).update(language=language)
    officer.refresh_from_db()
    return officer


@pytest.mark.req("PRIV-11")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), CASES)
def test_the_age_band_chart_s_text_is_readable_on_a_phone_and_a_desktop(signed_in_page, demo, language, width):
    page = signed_in_page(privacy_officer(language), language=language, width=width)[0]
    page.goto("/staff/privacy/aggregates/")

    texts = readable_drawing(page, width)
    assert all(band in texts for band in BANDS[language])  # every band named, in full
    assert {"suprimido", "suppressed"} & set(texts)  # the suppressed counts said so
    assert page.locator("table caption#bands-caption").is_visible()  # the table twin
    assert serious_findings(page) == []


@pytest.mark.req("PRIV-6")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), CASES)
def test_the_page_views_chart_s_text_is_readable_on_a_phone_and_a_desktop(signed_in_page, demo, language, width):
    today = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)
    for days_ago in range(30):
        page_view_count(path_template="help/", language=language, day=today.date() - dt.timedelta(days=days_ago),
                        views=1 + days_ago * 37)  # fmt: skip
    page = signed_in_page(privacy_officer(language), language=language, width=width)[0]
    with clock.frozen(today):
        page.goto("/staff/analytics/")

    texts = readable_drawing(page, width)
    assert "2000" in texts and "0" in texts  # the scale: the largest day has 1074 views
    assert "30" in texts and "1" in texts  # the first day of the month and the last day shown
    assert page.locator("table.page-views").is_visible()
    assert serious_findings(page) == []
