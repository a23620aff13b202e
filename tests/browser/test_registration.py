"""Registering a demo member in Chromium (REG-1..5, UI-1, UI-2): keyboard only, phone and desktop widths,
Spanish and English, codes read from the development outbox, axe-core on every page of the way."""

import re

import pytest
from playwright.sync_api import expect

from memberarea.enrollment.identifiers import normalise_number
from memberarea.enrollment.models import Membership
from memberarea.identity.freeze import not_me_url
from memberarea.identity.models import Account

from .keyboard import outbox_code, press_button, serious_findings, tab_to, type_into

pytestmark = pytest.mark.browser
PASSWORD = "Marea7Tranquila"


JOURNEYS = {
    # Lucía, the family's holder, in Spanish on a phone: replaces her email, so a code goes to it.
    "es": {"member": "ma-2001-01", "policy": "polf 2001", "document": "51234567c", "change": "email",
           "new": "lucia.nueva@example.invalid", "texts": ("Continuar", "Confirmar", "Crear mi cuenta")},
    # Daniel, his partner (NIE), in English on a desktop: replaces his mobile, so an SMS code goes to it.
    "en": {"member": "MA200102", "policy": "POLF2001", "document": "y-2468135-l", "change": "phone",
           "new": "699 123 456", "texts": ("Continue", "Confirm", "Create my account")},
}  # fmt: skip


@pytest.mark.req("REG-5")
@pytest.mark.req("UI-1")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280), ("es", 1280), ("en", 375)])
def test_a_demo_member_registers_with_the_keyboard_alone(open_page, delivering, language, width):
    journey = JOURNEYS[language]
    continue_text, confirm_text, create_text = journey["texts"]
    membership = Membership.objects.select_related("person").get(member_number=normalise_number(journey["member"]))
    birth = membership.person.date_of_birth.strftime("%d/%m/%Y")
    page = open_page(language=language, width=width)
    findings = []

    page.goto("/register/")
    findings += serious_findings(page)
    type_into(page, "#id_member_number", journey["member"])
    type_into(page, "#id_date_of_birth", birth)
    type_into(page, "#id_policy_number", journey["policy"])
    press_button(page, continue_text)
    assert page.url.endswith("/register/details/")
    assert "•••" in page.locator(".summary-list").inner_text()  # contacts masked
    findings += serious_findings(page)

    tab_to(page, f"#id_change_{journey['change']}")
    page.keyboard.press("Space")
    type_into(page, f"#id_{journey['change']}", journey["new"])
    type_into(page, "#id_document_number", journey["document"])
    if language == "en":
        tab_to(page, "#id_document_type_nif")
        page.keyboard.press("ArrowDown")  # radio group: the arrow moves the choice to NIE
        assert page.locator("#id_document_type_nie").is_checked()
    press_button(page, continue_text)
    assert page.url.endswith("/register/verify/")
    findings += serious_findings(page)

    destination = journey["new"] if journey["change"] == "email" else "+34" + journey["new"].replace(" ", "")
    type_into(page, "#id_code", outbox_code(page, destination))
    press_button(page, confirm_text)
    assert page.url.endswith("/register/password/")
    findings += serious_findings(page)

    type_into(page, "#id_password", PASSWORD)
    met = page.locator(".password-rules li[data-met='true']").count()
    assert met == page.locator(".password-rules li").count() > 0  # the rules turned green as we typed
    press_button(page, create_text)
    assert page.url.endswith("/register/done/")
    assert page.locator("html").get_attribute("lang") == language
    findings += serious_findings(page)
    assert findings == []

    account = Account.objects.get(person=membership.person)
    assert account.username == journey["document"].upper().replace("-", "")
    assert account.language == language


@pytest.mark.req("REG-1")
@pytest.mark.req("UI-2")
def test_a_wrong_fact_is_announced_and_the_form_keeps_the_typed_values(open_page, demo):
    page = open_page(language="en", width=375)
    page.goto("/register/")
    type_into(page, "#id_member_number", "MA200101")
    type_into(page, "#id_date_of_birth", "01/01/1990")
    type_into(page, "#id_policy_number", "POLF2001")
    press_button(page, "Continue")
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "could not find a membership" in summary.inner_text()
    assert page.locator("#id_member_number").input_value() == "MA200101"
    assert serious_findings(page) == []


@pytest.mark.req("REG-1")
@pytest.mark.req("UI-2")
def test_after_failures_the_page_asks_for_the_check_and_then_lets_the_member_through(open_page, demo, settings):
    settings.REGISTRATION_FAILURES_BEFORE_CAPTCHA = 1
    page = open_page(language="es", width=375)
    page.goto("/register/")
    for birth in ("01/01/1990", "12/03/1984"):  # one failure, then the right facts: the check is due
        page.locator("#id_member_number").fill("MA200101")
        page.locator("#id_date_of_birth").fill(birth)
        page.locator("#id_policy_number").fill("POLF2001")
        press_button(page, "Continuar")
    assert page.locator(".error-summary").get_attribute("data-error-code") == "captcha_required"
    assert page.locator("altcha-widget").count() == 1
    assert serious_findings(page) == []
    tab_to(page, "altcha-widget input[type=checkbox]")
    page.keyboard.press("Space")
    expect(page.locator("altcha-widget input[name=altcha]")).to_have_value(re.compile(r"\S"), timeout=20_000)
    press_button(page, "Continuar")
    assert page.url.endswith("/register/details/")


@pytest.mark.req("REG-2")
@pytest.mark.req("UI-2")
def test_a_rejoiner_links_the_membership_to_the_account_with_the_keyboard(open_page, delivering):
    """Andrés was imported without a document; typing a document that has an account offers the link
    (here the demo's Carmen and her published password stand in for the same person)."""
    page = open_page(language="en", width=1280)
    page.goto("/register/")
    type_into(page, "#id_member_number", "MA700101")
    birth = Membership.objects.select_related("person").get(member_number="MA700101").person.date_of_birth
    type_into(page, "#id_date_of_birth", birth.strftime("%d/%m/%Y"))
    type_into(page, "#id_policy_number", "POLF7001")
    press_button(page, "Continue")
    type_into(page, "#id_document_number", "60112233P")
    press_button(page, "Continue")
    assert page.url.endswith("/register/link/")
    findings = serious_findings(page)
    type_into(page, "#id_password", "Demo2026member")
    press_button(page, "Continue")
    findings += serious_findings(page)
    type_into(page, "#id_code", outbox_code(page, "carmen.vidal@example.invalid"))
    press_button(page, "Link the membership")
    assert page.url.endswith("/register/done/")
    assert findings == []
    carmen = Account.objects.get(person__memberships__member_number="MA300109")
    assert Membership.objects.get(member_number="MA700101").person.account == carmen


@pytest.mark.req("REG-4")
@pytest.mark.req("UI-2")
def test_the_not_me_link_opens_a_page_and_only_its_button_locks_the_account(open_page, demo):
    account = Account.objects.get(person__memberships__member_number="MA300109")
    page = open_page(language="es", width=375)
    page.goto(not_me_url(account).split("8000", 1)[1])
    assert page.url.endswith("/security/not-me/")  # the token left the address bar before anything rendered
    assert serious_findings(page) == []
    account.refresh_from_db()
    assert account.frozen_at is None
    press_button(page, "Bloquear la cuenta")
    assert page.locator("h1").inner_text() == "La cuenta está bloqueada"
    assert serious_findings(page) == []
    account.refresh_from_db()
    assert account.frozen_at is not None
