"""What a member meets in Chromium (issue 10; AREA-1, AREA-2, REG-1, REG-3, LOGIN-3, UI-1, UI-2), each item
at 375 px and 1280 px wide, in Spanish and in English: the card fits the phone, dates of birth typed as
digits, "no end date", the policy's kind, dead-end pages that carry their links, step 2's empty
"other" contact refused, and emailed links on the port actually served."""

import pytest

from memberarea.enrollment.identifiers import normalise_number
from memberarea.enrollment.models import Membership
from memberarea.enrollment.services import person_account_link
from memberarea.identity.services import account_create
from tests.browser.keyboard import serious_findings
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
    page = member_signed_in(signed_in_page, "MA-2001-01", "51234567", language=language, width=width)
    page.goto(f"/members/{demo_member('MA-2001-01').pk}/card/")
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
    page = member_signed_in(signed_in_page, "MA-2001-01", "51234567", language=language, width=width)
    page.goto(f"/members/{demo_member('MA-2001-01').pk}/card/")
    page.emulate_media(media="print")
    card = page.locator(".member-card").bounding_box()
    millimetre = 96 / 25.4
    assert abs(card["width"] - 85.6 * millimetre) < 2 and abs(card["height"] - 53.98 * millimetre) < 2
    for part in (".member-card-service", ".member-card-details", ".member-card-name", ".member-card-brand"):
        assert inside(page.locator(part).bounding_box(), card), f"{part} leaves the printed card ({language})"
