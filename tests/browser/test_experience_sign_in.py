"""Issue 10's sign-in experience in Chromium (AREA-1, LOGIN-5, LOGIN-9, UI-1, UI-2, UI-3): where the second
step lands, the language kept from sign-in and the offer to save it, the signed-in home page, the
sign-out notice, the password page's one message and what a change leaves signed in, one line per
browser on the sessions page, and focus (the code field after choosing a channel, the error summary
after a failed submit). The demo's Carmen, by keyboard, at 375 and 1280 px, in Spanish and English;
axe-core on every page."""

import re

import pytest
from playwright.sync_api import Page

from memberarea.identity.models import Account
from memberarea.identity.usernames import username_index
from tests.identity.signing_in import FIREFOX_WINDOWS

from .keyboard import outbox_code, press_button, serious_findings, tab_to, type_into

pytestmark = pytest.mark.browser

USERNAME, PASSWORD = "60112233P", "Demo2026member"
MOBILE = "+34612000108"
SIZES = [("es", 375), ("en", 1280), ("en", 375), ("es", 1280)]
TEXTS = {
    "es": {
        "continue": "Continuar", "sign_in": "Iniciar sesión", "sms": "Por SMS", "sign_out": "Cerrar sesión",
        "signed_out": "Ha cerrado la sesión.", "wrong": "El documento o la contraseña no son correctos.",
        "current_wrong": "La contraseña actual no es correcta.", "change": "Cambiar la contraseña",
        "changed": "Sigue con la sesión iniciada en este navegador.", "this_device": "este dispositivo",
        "area": "Ir al área de clientes",
    },
    "en": {
        "continue": "Continue", "sign_in": "Sign in", "sms": "By SMS", "sign_out": "Sign out",
        "signed_out": "You have signed out.", "wrong": "The document or the password is not right.",
        "current_wrong": "The current password is not correct.", "change": "Change password",
        "changed": "You are still signed in on this browser.", "this_device": "this device",
        "area": "Go to the member area",
    },
}  # fmt: skip


def focused(page: Page, selector: str) -> bool:
    return page.locator(selector).evaluate("element => element === document.activeElement")


def carmen() -> Account:
    return Account.objects.get(username_index=username_index(USERNAME))


def signed_in_by_code(page: Page, language: str) -> list[str]:
    """A failed password first (the error summary takes focus), then the right one, SMS and the code."""
    texts = TEXTS[language]
    page.goto("/sign-in/")
    findings = serious_findings(page)
    type_into(page, "#id_username", USERNAME)
    type_into(page, "#id_password", "Wrong1Password")
    press_button(page, texts["continue"])
    assert focused(page, ".error-summary")  # announced and where the keyboard goes on from
    assert page.locator(".error-summary").inner_text().count(texts["wrong"]) == 1
    findings += serious_findings(page)
    type_into(page, "#id_password", PASSWORD)
    press_button(page, texts["continue"])
    assert page.url.endswith("/sign-in/code/")
    press_button(page, texts["sms"])
    assert focused(page, "#id_code")  # no Tab at all: the code field has the focus once sent
    findings += serious_findings(page)
    page.keyboard.type(outbox_code(page, MOBILE))
    press_button(page, texts["sign_in"])
    return findings


@pytest.mark.req("AREA-1")
@pytest.mark.req("UI-1")
@pytest.mark.req("UI-2")
@pytest.mark.req("UI-3")
@pytest.mark.parametrize(("language", "width"), SIZES)
def test_sign_in_lands_on_the_member_area_in_the_members_language_then_signs_out(
    open_page, delivering, language, width
):
    assert carmen().language == "es"
    texts = TEXTS[language]
    page = open_page(language=language, width=width)
    findings = signed_in_by_code(page, language)

    assert re.search(r"/members/[0-9a-f-]{36}/$", page.url)  # the dashboard, not account settings
    assert page.locator("html").get_attribute("lang") == language  # kept after the code
    findings += serious_findings(page)
    offer = page.locator(".language-offer")
    if language == "en":  # Carmen's emails are in Spanish: offer to use English for them too
        assert "You are using English" in offer.inner_text()
        press_button(page, "Use English for everything")
        assert carmen().language == "en" and page.locator(".language-offer").count() == 0
        assert page.locator("html").get_attribute("lang") == "en"
    else:
        assert offer.count() == 0

    page.goto("/")
    main = page.locator("main")
    assert main.locator("a[href='/register/'], a[href='/sign-in/']").count() == 0
    assert main.get_by_role("link", name=texts["area"]).count() == 1
    findings += serious_findings(page)
    tab_to(page, "main form[action='/sign-out/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    notice = page.locator("main .notice[data-notice='signed-out']")
    assert notice.get_attribute("role") == "status" and notice.inner_text().startswith(texts["signed_out"])
    assert page.locator("main a[href='/sign-in/']").count() == 1  # signed out: the way back in
    findings += serious_findings(page)
    assert findings == []


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-9")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), SIZES)
def test_the_password_page_says_one_thing_and_the_change_keeps_this_browser(signed_in_page, demo, language, width):
    texts = TEXTS[language]
    account = carmen()
    Account.objects.filter(pk=account.pk).update(language=language)
    account.refresh_from_db()
    page, record = signed_in_page(account, language=language, width=width, user_agent=FIREFOX_WINDOWS)

    page.goto("/register/done/")
    with page.expect_navigation():
        page.get_by_role("link", name=texts["area"]).click()
    assert re.search(r"/members/[0-9a-f-]{36}/$", page.url)

    page.goto("/account/password/")
    findings = serious_findings(page)
    type_into(page, "#id_current_password", "Wrong1Password")
    type_into(page, "#id_password", "Nuevo7Camino")
    press_button(page, texts["change"])
    assert focused(page, ".error-summary")
    assert page.locator(".error-summary").inner_text().count(texts["current_wrong"]) == 1
    assert texts["wrong"] not in page.locator("main").inner_text()
    findings += serious_findings(page)
    page.keyboard.press("Tab")  # into the summary: its link leads to the field
    assert focused(page, ".error-summary a[href='#id_current_password']")
    page.keyboard.press("Enter")
    assert focused(page, "#id_current_password")
    page.keyboard.type(PASSWORD)
    type_into(page, "#id_password", "Nuevo7Camino")
    press_button(page, texts["change"])
    assert page.url.endswith("/account/")
    assert texts["changed"] in page.locator("main .notice").inner_text()
    findings += serious_findings(page)

    page.goto("/account/sessions/")  # still signed in, under a new session id
    assert page.url.endswith("/account/sessions/")
    entries = page.locator(".session-entry")
    assert entries.count() == 1  # one line for this browser
    assert texts["this_device"] in entries.locator("h2").inner_text()
    assert "Firefox" in entries.locator("h2").inner_text() and "Windows" in entries.locator("h2").inner_text()
    assert entries.locator(".session-network").count() == 1  # the network only as a detail
    findings += serious_findings(page)
    record.refresh_from_db()
    assert record.ended_at is None
    assert findings == []
