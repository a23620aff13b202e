"""Signing in in Chromium (LOGIN-1..4, LOGIN-6, UI-1, UI-2): the demo's Carmen, keyboard only, by email
code, email link and SMS, at phone and desktop widths, in Spanish and English, axe-core on every page."""

import re

import pytest

from .keyboard import outbox_code, press_button, serious_findings, tab_to, type_into

pytestmark = pytest.mark.browser

USERNAME, PASSWORD = "60112233P", "Demo2026member"
EMAIL, MOBILE = "carmen.vidal@example.invalid", "+34612000108"
TEXTS = {
    "es": {"continue": "Continuar", "sign_in": "Iniciar sesión", "email": "Por correo", "sms": "Por SMS"},
    "en": {"continue": "Continue", "sign_in": "Sign in", "email": "By email", "sms": "By SMS"},
}


def password_step(page, language: str) -> list[str]:
    page.goto("/sign-in/")
    findings = serious_findings(page)
    type_into(page, "#id_username", USERNAME.lower())
    type_into(page, "#id_password", PASSWORD)
    press_button(page, TEXTS[language]["continue"])
    return findings


def choose(page, language: str, channel: str) -> None:
    press_button(page, TEXTS[language][channel])


def outbox_link(page, to: str) -> str:
    for _ in range(50):
        for message in page.context.request.get("/dev/outbox.json").json()["messages"]:
            found = re.search(r"https?://[^\s]+(/sign-in/link/[^\s/]+/)", message["body_text"])
            if message["to"] == to and found:
                return found.group(1)
        page.wait_for_timeout(100)
    raise AssertionError("no link reached the outbox")


@pytest.mark.req("LOGIN-2")
@pytest.mark.req("LOGIN-3")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(
    ("language", "width", "channel"),
    [("es", 375, "email"), ("en", 1280, "sms"), ("en", 375, "email"), ("es", 1280, "sms")],
)
def test_carmen_signs_in_by_code_with_the_keyboard(open_page, delivering, language, width, channel):
    page = open_page(language=language, width=width)
    findings = password_step(page, language)
    assert page.url.endswith("/sign-in/code/")
    assert "•••" in page.locator("main").inner_text() and EMAIL not in page.content()
    findings += serious_findings(page)
    choose(page, language, channel)
    findings += serious_findings(page)
    type_into(page, "#id_code", outbox_code(page, EMAIL if channel == "email" else MOBILE))
    press_button(page, TEXTS[language]["sign_in"])
    assert re.search(r"/members/[0-9a-f-]{36}/$", page.url)  # the member area, not account settings
    assert "Carmen Vidal Pons" in page.locator("h1").inner_text()
    findings += serious_findings(page)
    assert findings == []


@pytest.mark.req("LOGIN-3")
def test_the_email_link_is_refused_in_another_browser_and_still_works_in_the_first(open_page, delivering):
    first = open_page(language="en", width=1280)
    password_step(first, "en")
    choose(first, "en", "email")
    path = outbox_link(first, EMAIL)

    second = open_page(language="en", width=1280)
    second.goto(path)
    assert second.url.endswith("/sign-in/link/")
    assert "only works in the browser where you started" in second.locator("main").inner_text()
    assert serious_findings(second) == []

    first.goto(path)
    assert serious_findings(first) == []
    press_button(first, "Sign in")
    assert "/members/" in first.url


@pytest.mark.req("LOGIN-6")
@pytest.mark.req("UI-2")
def test_a_trusted_device_is_not_asked_for_a_code_again(open_page, delivering):
    page = open_page(language="es", width=375)
    password_step(page, "es")
    choose(page, "es", "sms")
    type_into(page, "#id_code", outbox_code(page, MOBILE))
    tab_to(page, "#id_trust_device")
    page.keyboard.press("Space")
    press_button(page, "Iniciar sesión")
    press_button(page, "Cerrar sesión")
    password_step(page, "es")
    assert "/members/" in page.url


@pytest.mark.req("LOGIN-9")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280)])
def test_the_account_pages_pass_axe_and_the_password_changes(open_page, delivering, language, width):
    page = open_page(language=language, width=width)
    password_step(page, language)
    choose(page, language, "email")
    type_into(page, "#id_code", outbox_code(page, EMAIL))
    press_button(page, TEXTS[language]["sign_in"])
    findings = serious_findings(page)
    for path in ("/account/contact/", "/account/confirm/?next=/account/", "/account/password/"):
        page.goto(path)
        findings += serious_findings(page)
    type_into(page, "#id_current_password", PASSWORD)
    type_into(page, "#id_password", "Nuevo7Camino")
    shown = page.locator("html").get_attribute("lang")  # once signed in, Carmen's own language (UI-1)
    press_button(page, "Cambiar la contraseña" if shown == "es" else "Change password")
    assert page.url.endswith("/account/")
    assert page.locator(".notice").count() == 1
    assert findings == []
