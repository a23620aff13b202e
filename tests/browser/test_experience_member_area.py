"""What a member meets in Chromium (issue 10; AREA-1, AREA-2, REG-1, REG-3, LOGIN-3, UI-1, UI-2), each item
at 375 px and 1280 px wide, in Spanish and in English: the card fits the phone, dates of birth typed as
digits, "no end date", the policy's kind, dead-end pages that carry their links, step 2's empty
"other" contact refused, and emailed links on the port actually served."""

import pytest

from memberarea.enrollment.identifiers import normalise_number
from memberarea.enrollment.models import Membership
from memberarea.enrollment.services import person_account_link
from memberarea.identity.services import account_create
from tests.browser.keyboard import outbox_text, press_button, serious_findings, tab_to, type_into
from tests.enrollment.records import nif
from tests.identity.signing_in import CHROME_ANDROID

pytestmark = pytest.mark.browser

EVERY_VIEW = [(language, width) for language in ("es", "en") for width in (375, 1280)]
VIEW_IDS = [f"{language}-{width}" for language, width in EVERY_VIEW]


def demo_member(number: str) -> Membership:
    return Membership.objects.select_related("person", "policy").get(member_number=normalise_number(number))


def member_signed_in(signed_in_page, number: str, document: str, *, language: str, width: int):
    """The demo member's account (as registration would leave it), signed in server-side."""
    account = account_create(username=nif(document), password="Lindero7Azul", language=language)
    person_account_link(person=demo_member(number).person, account=account, actor_id="system")
    return signed_in_page(account, language=language, width=width, user_agent=CHROME_ANDROID)[0]


def lucias_card(signed_in_page, language: str, width: int):
    page = member_signed_in(signed_in_page, "MA-2001-01", "51234567", language=language, width=width)
    page.goto(f"/members/{demo_member('MA-2001-01').pk}/card/")
    return page


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


# --- the card fits the phone (issue 10, broken #3) -------------------------------------------------------
@pytest.mark.req("AREA-2")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), EVERY_VIEW, ids=VIEW_IDS)
def test_the_cards_customer_service_line_is_whole_inside_the_card_and_the_screen(signed_in_page, demo, language, width):
    page = lucias_card(signed_in_page, language, width)
    card = page.locator(".member-card").bounding_box()
    for part in (".member-card-service", ".member-card-service a", ".member-card-details", ".member-card-name"):
        box = page.locator(part).bounding_box()
        assert inside(box, card), f"{part} is cut by the card at {width} px ({language})"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{part} leaves the screen"
    assert card["x"] + card["width"] <= width
    service = page.locator(".member-card-service")
    assert service.evaluate("e => e.scrollHeight <= e.clientHeight + 1 && e.scrollWidth <= e.clientWidth + 1")
    assert "+34 900 000 000" in service.inner_text()
    assert serious_findings(page) == []


@pytest.mark.req("AREA-2")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), EVERY_VIEW, ids=VIEW_IDS)
def test_the_printed_card_keeps_the_bank_card_size_with_everything_inside(signed_in_page, demo, language, width):
    page = lucias_card(signed_in_page, language, width)
    page.emulate_media(media="print")
    card = page.locator(".member-card").bounding_box()
    millimetre = 96 / 25.4
    assert abs(card["width"] - 85.6 * millimetre) < 2 and abs(card["height"] - 53.98 * millimetre) < 2
    parts = (".member-card-brand", ".member-card-name", ".member-card-details", ".member-card-service")
    for part in (*parts, ".member-card-band >> nth=-1"):
        assert inside(page.locator(part).bounding_box(), card), f"{part} leaves the printed card ({language})"


@pytest.mark.req("AREA-1")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), EVERY_VIEW, ids=VIEW_IDS)
def test_the_dashboards_values_are_never_broken_inside_a_word(signed_in_page, demo, language, width):
    """On a phone the labels stand above their values; a label column once squeezed "POLF2001" into two lines."""
    page = member_signed_in(signed_in_page, "MA-2001-01", "51234567", language=language, width=width)
    page.goto(f"/members/{demo_member('MA-2001-01').pk}/")
    values = page.locator(".summary-list dd")
    assert values.count() >= 4
    short = 0
    for index in range(values.count()):
        value = values.nth(index)
        words = value.inner_text().split()
        assert value.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), f"{words} overflows at {width} px"
        if 0 < len(words) <= 2 and max(len(word) for word in words) <= 20:  # numbers, dates, kinds: one line
            short += 1
            line = value.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
            assert value.bounding_box()["height"] < 1.5 * line, f"{words} is broken at {width} px ({language})"
    assert short >= 4


# --- the policy's kind, "no end date" and one date format (issue 10: confusing; AREA-1, AREA-2, UI-1) ------
SHOWN = {
    "es": {"kind": "Familiar", "no_end": "Sin fecha de fin", "start": "01/01/2019"},
    "en": {"kind": "Family", "no_end": "No end date", "start": "1 January 2019"},
}


@pytest.mark.req("AREA-1")
@pytest.mark.req("AREA-2")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize(("language", "width"), EVERY_VIEW, ids=VIEW_IDS)
def test_the_dashboard_and_card_show_the_kind_no_end_date_and_the_languages_dates(
    signed_in_page, demo, language, width
):
    page = member_signed_in(signed_in_page, "MA-2001-01", "51234567", language=language, width=width)
    lucia = demo_member("MA-2001-01")
    expected = SHOWN[language]
    for path in (f"/members/{lucia.pk}/", f"/members/{lucia.pk}/card/"):
        page.goto(path)
        values = page.locator("main dd").all_inner_texts()
        assert expected["kind"] in values and expected["no_end"] in values and expected["start"] in values
        text = page.locator("main").inner_text()
        assert "family" not in values and "further notice" not in text and "nuevo aviso" not in text
        assert "Jan." not in text and ("01/01/2019" not in text or language == "es")
    assert serious_findings(page) == []


# --- dates of birth as digits (issue 10, broken #5) and step 2's empty new contact (REG-1, REG-3) ------------
REGISTER = {
    "es": {"continue": "Continuar", "other_email": "Usar otro correo", "empty": "Escriba el nuevo correo"},
    "en": {"continue": "Continue", "other_email": "Use a different email", "empty": "Enter the new email address"},
}


def identify_with_the_keyboard(page, member: str, birth: str, policy: str, language: str) -> None:
    page.goto("/register/")
    type_into(page, "#id_member_number", member)
    type_into(page, "#id_date_of_birth", birth)
    type_into(page, "#id_policy_number", policy)
    press_button(page, REGISTER[language]["continue"])


@pytest.mark.req("REG-1")
@pytest.mark.req("REG-3")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), EVERY_VIEW, ids=VIEW_IDS)
def test_a_birth_date_typed_as_digits_is_accepted_and_an_empty_new_email_refused(open_page, demo, language, width):
    page = open_page(language=language, width=width)
    assert page.goto("/register/").ok
    assert page.locator("#id_date_of_birth").get_attribute("inputmode") == "numeric"
    identify_with_the_keyboard(page, "MA-2001 01", "12031984", "POL-F-2001", language)
    assert page.url.endswith("/register/details/"), page.locator("main").inner_text()[:300]
    findings = serious_findings(page)

    tab_to(page, "#id_change_email")
    page.keyboard.press("Space")
    assert page.locator("#id_email").is_visible()
    type_into(page, "#id_document_number", nif("51234567"))
    press_button(page, REGISTER[language]["continue"])
    assert page.url.endswith("/register/details/")
    summary = page.locator(".error-summary")
    assert REGISTER[language]["empty"] in summary.inner_text()
    assert summary.locator("a[href='#id_email']").count() == 1
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_change_email").is_checked()
    findings += serious_findings(page)
    assert findings == []


# --- dead-end pages carry their links (issue 10: confusing; REG-2, REC-4, UI-2) ------------------------------
@pytest.mark.req("REG-2")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), EVERY_VIEW, ids=VIEW_IDS)
def test_already_registered_offers_sign_in_and_recovery_by_keyboard(open_page, demo, language, width):
    page = open_page(language=language, width=width)
    identify_with_the_keyboard(page, "MA-6001-01", "02091988", "POL-F-6001", language)  # Carmen has an account
    steps = page.locator("[data-next-steps='already_registered']")
    assert steps.is_visible()
    findings = serious_findings(page)
    tab_to(page, "[data-next-steps] a[href='/password-reset/']")
    page.goto("/register/")
    identify_with_the_keyboard(page, "MA-6001-01", "02091988", "POL-F-6001", language)
    tab_to(page, "[data-next-steps] a[href='/sign-in/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/sign-in/")
    assert findings == []


@pytest.mark.req("REG-2")
@pytest.mark.req("REC-4")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), EVERY_VIEW, ids=VIEW_IDS)
def test_contact_us_pages_show_the_phone_and_email_as_links(open_page, demo, language, width):
    page = open_page(language=language, width=width)
    birth = demo_member("MA-4001-01").person.date_of_birth.strftime("%d%m%Y")
    identify_with_the_keyboard(page, "MA-4001-01", birth, "POL-X-4001", language)
    steps = page.locator("[data-next-steps='international_plan']")
    assert steps.locator("a[href='tel:+34900000001']").is_visible()
    assert steps.locator("a[href='mailto:international@example.invalid']").is_visible()
    tab_to(page, "[data-next-steps] a[href='tel:+34900000001']")
    findings = serious_findings(page)

    page.goto("/password-reset/")
    assert page.locator("main a[href='tel:+34900000000']").is_visible()
    assert page.locator("main a[href='mailto:atencion@example.invalid']").is_visible()
    assert findings == []


# --- emailed links on the port actually served (issue 10, broken #2; OPS-1, LOGIN-3) ------------------------
SIGN_IN = {
    "es": {"continue": "Continuar", "email": "Por correo"},
    "en": {"continue": "Continue", "email": "By email"},
}


@pytest.fixture
def no_public_base_url(settings, tmp_path):
    """A demo started without PUBLIC_BASE_URL, as `manage.py runserver <port>` would be."""
    settings.PUBLIC_BASE_URL = ""
    settings.VAR_DIR = tmp_path


@pytest.mark.req("OPS-1")
@pytest.mark.req("LOGIN-3")
@pytest.mark.req("UI-2")
@pytest.mark.usefixtures("no_public_base_url")
@pytest.mark.parametrize(("language", "width"), EVERY_VIEW, ids=VIEW_IDS)
def test_the_emailed_sign_in_link_opens_on_the_port_being_served(open_page, delivering, live_server, language, width):
    page = open_page(language=language, width=width)
    page.goto("/sign-in/")
    type_into(page, "#id_username", "60112233p")
    type_into(page, "#id_password", "Demo2026member")
    press_button(page, SIGN_IN[language]["continue"])
    press_button(page, SIGN_IN[language]["email"])
    link = outbox_text(page, "carmen.vidal@example.invalid", r"(https?://[^\s]+/sign-in/link/[^\s/]+/)")
    assert link.startswith(f"{live_server.url}/sign-in/link/"), (link, live_server.url)
    assert ":8000/" not in link
    page.goto(link)
    assert page.url.endswith("/sign-in/link/")
