"""The preferences page in Chromium (PRIV-2, PRIV-3, PRIV-5, PRIV-12, UI-2): a member opens the privacy
centre from the navigation, switches SMS offers on with the keyboard alone, sees the confirmation and
downloads the receipt from the history; with `Sec-GPC: 1` the page says the signal is honoured; the
minor's page explains why there is nothing to choose. Spanish on a phone and English on a desktop
(and the other way round), axe-core on every page, and no request leaves 127.0.0.1."""

import json
from urllib.parse import urlsplit

import jsonschema
import pytest

from memberarea.identity.models import Account
from memberarea.privacy.models import ConsentRecord
from tests.browser.keyboard import follow_with_the_keyboard, serious_findings, tab_to
from tests.identity.signing_in import CHROME_ANDROID
from tests.privacy.conftest import member_id
from tests.privacy.test_receipts import SCHEMA

pytestmark = pytest.mark.browser
TEXTS = {
    "es": {"nav": "Privacidad", "sms": "Ofertas y novedades por SMS", "saved": "1 cambio registrado",
           "gpc": "Respetamos su señal Global Privacy Control", "minor": "Nadie menor de 18 años"},
    "en": {"nav": "Privacy", "sms": "Offers and news by SMS", "saved": "1 change recorded",
           "gpc": "Your Global Privacy Control signal is honoured", "minor": "Nobody under 18"},
}  # fmt: skip


@pytest.mark.req("PRIV-2")
@pytest.mark.req("PRIV-3")
@pytest.mark.req("PRIV-5")
@pytest.mark.req("PRIV-12")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280), ("es", 1280), ("en", 375)])
def test_a_member_switches_sms_on_with_the_keyboard_and_keeps_the_receipt(
    signed_in_page, member_account, traffic, language, width
):
    Account.objects.filter(pk=member_account.pk).update(language=language)
    member_account.refresh_from_db()
    page, _ = signed_in_page(member_account, language=language, width=width, user_agent=CHROME_ANDROID)
    text = TEXTS[language]
    page.goto("/account/")

    follow_with_the_keyboard(page, f"nav.main-nav a:text-is('{text['nav']}')")
    assert urlsplit(page.url).path == "/privacy/"
    findings = serious_findings(page)
    follow_with_the_keyboard(page, "main a[href='/privacy/preferences/']")
    assert page.locator("html").get_attribute("lang") == language
    findings += serious_findings(page)

    tab_to(page, "#id_marketing_sms")
    page.keyboard.press("Space")
    assert page.locator("label[for='id_marketing_sms']").inner_text() == text["sms"]
    tab_to(page, "main form button[type='submit']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert text["saved"] in page.locator("[data-notice='preferences-saved']").inner_text()
    assert page.locator("#id_marketing_sms").is_checked()
    assert not page.locator("#id_marketing_email").is_checked()
    findings += serious_findings(page)

    follow_with_the_keyboard(page, "main a[href='/privacy/consents/']")
    (record,) = ConsentRecord.objects.filter(account=member_account)
    assert (record.purpose, record.given, record.method, record.language) == (
        "marketing_sms", True, "web_form", language
    )  # fmt: skip
    findings += serious_findings(page)
    tab_to(page, f"a[href='/privacy/consents/{record.pk}/receipt.json']")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    with open(download_info.value.path(), encoding="utf-8") as receipt:
        jsonschema.validate(json.load(receipt), SCHEMA)

    page.context.set_extra_http_headers({"Sec-GPC": "1"})
    page.goto("/privacy/preferences/")
    assert text["gpc"] in page.locator("[data-notice='gpc']").inner_text()
    findings += serious_findings(page)

    follow_with_the_keyboard(
        page, f"nav.member-selector a[href='/privacy/preferences/{member_id(3)}/']"
    )  # the guardian's minor
    assert text["minor"] in page.locator("[data-notice='minor_has_no_choices']").inner_text()
    assert page.locator("input[type='checkbox']").count() == 0
    findings += serious_findings(page)

    assert findings == []
    assert traffic.requests and all(urlsplit(url).hostname == "127.0.0.1" for url in traffic.requests)
