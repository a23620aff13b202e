"""The published documents and the notice acknowledgement in Chromium (PRIV-1, UI-1, UI-2): from every
page's footer, in Spanish and English, at phone and desktop widths, keyboard only, axe-core clean, and no
request leaving 127.0.0.1."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from .keyboard import outbox_code, press_button, serious_findings, tab_to, type_into

pytestmark = [pytest.mark.browser, pytest.mark.req("PRIV-1"), pytest.mark.req("UI-1"), pytest.mark.req("UI-2")]
CASES = [("es", 375), ("en", 1280), ("en", 375), ("es", 1280)]
TEXTS = {
    "es": {"documents": ["Aviso de privacidad", "Condiciones de uso", "Política de cookies",
                         "Declaración de accesibilidad"],
           "updated": "Última actualización", "announced": "Hemos actualizado nuestro aviso de privacidad",
           "continue": "Continuar", "email": "Por correo", "sign_in": "Iniciar sesión", "read": "Lo he leído",
           "changes": "encuestas de satisfacción"},
    "en": {"documents": ["Privacy notice", "Terms of use", "Cookie policy", "Accessibility statement"],
           "updated": "Last updated", "announced": "We have updated our privacy notice",
           "continue": "Continue", "email": "By email", "sign_in": "Sign in", "read": "I have read it",
           "changes": "satisfaction surveys"},
}  # fmt: skip
LUCIA, PASSWORD, EMAIL = "51234567C", "Demo2026member", "lucia.ferrer@example.invalid"


def requests_of(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def only_local(seen: list[str]) -> bool:
    return bool(seen) and all(urlsplit(url).hostname == "127.0.0.1" for url in seen)


@pytest.mark.parametrize(("language", "width"), CASES)
def test_the_footer_opens_each_document_with_its_date_and_versions(open_page, demo_privacy, language, width):
    page = open_page(language=language, width=width)
    seen = requests_of(page)
    page.goto("/")
    texts = TEXTS[language]
    assert texts["announced"] in page.locator("main").inner_text()
    findings = serious_findings(page)
    for kind, name in zip(("notice", "terms", "cookies", "accessibility"), texts["documents"], strict=True):
        page.goto("/help/")
        tab_to(page, f"footer a[href='/privacy/{kind}/']")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_by_role("heading", level=1).inner_text() == name
        assert texts["updated"] in page.locator(".document-meta").inner_text()
        findings += serious_findings(page)
    assert page.locator(".document-versions li").count() == 1  # the accessibility statement: version 1 only
    page.goto("/privacy/notice/v1/")
    assert page.locator(".document-versions a[aria-current='page']").get_attribute("href") == "/privacy/notice/v1/"
    findings += serious_findings(page)
    width_fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert findings == [] and width_fits
    assert only_local(seen), [url for url in seen if urlsplit(url).hostname != "127.0.0.1"]


@pytest.mark.parametrize(("language", "width"), CASES[:2])
def test_lucia_reads_the_new_notice_once_after_signing_in(open_page, demo_privacy, delivering, language, width):
    texts = TEXTS[language]
    page = open_page(language=language, width=width)
    seen = requests_of(page)
    page.goto("/sign-in/")
    type_into(page, "#id_username", LUCIA)
    type_into(page, "#id_password", PASSWORD)
    press_button(page, texts["continue"])
    press_button(page, texts["email"])
    type_into(page, "#id_code", outbox_code(page, EMAIL))
    press_button(page, texts["sign_in"])

    assert page.url.endswith("/privacy/notice/acknowledge/?next=%2Fmembers%2F")
    assert texts["changes"] in page.locator("main").inner_text()
    findings = serious_findings(page)
    press_button(page, texts["read"])

    assert re.search(r"/members/[0-9a-f-]{36}/$", page.url)
    page.goto("/privacy/notice/acknowledge/")
    assert re.search(r"/members/[0-9a-f-]{36}/$", page.url)  # once: nothing left to read
    assert findings == []
    assert only_local(seen)
