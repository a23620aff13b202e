"""The signed-out unsubscribe page and the campaign draft page in Chromium (PRIV-4, BO-1, UI-1, UI-2):
Spanish and English, 375 px and 1280 px, keyboard only, axe-core clean, and no request leaving
127.0.0.1."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from memberarea.identity.models import Account, Role
from memberarea.privacy.models import Campaign, ConsentChoice, ConsentPurpose
from memberarea.privacy.unsubscribe import unsubscribe_url
from tests.backoffice.conftest import make_staff
from tests.browser.keyboard import press_button, serious_findings, type_into
from tests.privacy.population import Traits, member_add, policies_import

pytestmark = pytest.mark.browser
SIZES = [375, 1280]
BUTTON = {"es": "Darse de baja", "en": "Unsubscribe"}
SAVE = {"es": "Guardar el borrador", "en": "Save the draft"}


def only_local(traffic) -> None:
    assert traffic.requests and all(urlsplit(url).hostname == "127.0.0.1" for url in traffic.requests)


def fits(page: Page) -> None:
    """Nothing wider than the window: no sideways scrolling at 375 px."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.req("PRIV-4")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize("width", SIZES)
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_signed_out_unsubscribe_page_with_the_keyboard(open_page, traffic, language, width):
    policies_import()
    account = member_add(1, Traits(language=language, sms_consent=True)).person.account
    link = urlsplit(unsubscribe_url(account=account, purpose=ConsentPurpose.MARKETING_EMAIL)).path
    page = open_page(language=language, width=width)
    page.goto(link)
    fits(page)
    findings = serious_findings(page)
    press_button(page, BUTTON[language])
    assert page.locator("main [role=status]").count() == 1
    fits(page)
    findings += serious_findings(page)
    assert not given(account, ConsentPurpose.MARKETING_EMAIL)
    page.goto(link.replace("/unsubscribe/", "/unsubscribe/x"))  # tampered: refused, with the way on
    assert page.locator("main a[href='/privacy/preferences/']").count() == 1
    findings += serious_findings(page)
    assert findings == []
    # The same flow without JavaScript (another purpose, so it has something to do).
    sms = urlsplit(unsubscribe_url(account=account, purpose=ConsentPurpose.MARKETING_SMS)).path
    bare = open_page(language=language, width=width, javascript=False)
    bare.goto(sms)
    press_button(bare, BUTTON[language])
    assert not given(account, ConsentPurpose.MARKETING_SMS)
    only_local(traffic)


def given(account, purpose) -> bool:
    return ConsentChoice.objects.get(account=account, purpose=purpose).given


@pytest.mark.req("BO-1")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize("width", SIZES)
@pytest.mark.parametrize("language", ["es", "en"])
def test_marketing_drafts_a_campaign_with_the_keyboard(signed_in_page, traffic, language, width):
    marketing = make_staff(Role.MARKETING)
    Account.objects.filter(pk=marketing.pk).update(language=language)
    marketing.refresh_from_db()
    page, _ = signed_in_page(marketing, language=language, width=width)
    page.goto("/staff/campaigns/new/")
    fits(page)
    findings = serious_findings(page)
    type_into(page, "#id_name", "Revisión anual")
    type_into(page, "#id_subject_es", "Su revisión anual")
    type_into(page, "#id_body_es", "Pida cita para su revisión anual.")
    type_into(page, "#id_subject_en", "Your yearly check-up")
    type_into(page, "#id_body_en", "Book your yearly check-up.")
    press_button(page, SAVE[language])
    campaign = Campaign.objects.get()
    assert page.url.endswith(f"/staff/campaigns/{campaign.pk}/")
    assert page.locator("main p.lead[role=status]").count() == 1  # the audience count
    fits(page)
    findings += serious_findings(page)
    assert findings == []
    only_local(traffic)
