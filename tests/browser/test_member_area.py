"""The member area in Chromium (GUARD-1, AREA-1, AREA-2, UI-2): the demo's Lucía switches to her son Pablo
with the keyboard alone, opens his card and downloads it, in Spanish on a phone and in English on a
desktop, with no serious axe-core finding on any page."""

import pytest

from memberarea.enrollment.identifiers import normalise_number
from memberarea.enrollment.models import Membership
from memberarea.enrollment.services import person_account_link
from memberarea.identity.services import account_create
from tests.browser.keyboard import follow_with_the_keyboard, serious_findings, tab_to
from tests.enrollment.records import nif
from tests.identity.signing_in import CHROME_ANDROID

pytestmark = pytest.mark.browser


def demo_member(number: str) -> Membership:
    return Membership.objects.select_related("person").get(member_number=normalise_number(number))


def lucia_signed_in(signed_in_page, *, language: str, width: int):
    """Lucía's account (as registration would leave it), signed in server-side in a new browser context."""
    account = account_create(username=nif("51234567"), password="Lindero7Azul", language=language)
    person_account_link(person=demo_member("MA-2001-01").person, account=account, actor_id="system")
    return signed_in_page(account, language=language, width=width, user_agent=CHROME_ANDROID)[0]


@pytest.mark.req("GUARD-1")
@pytest.mark.req("AREA-1")
@pytest.mark.req("AREA-2")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280)])
def test_lucia_switches_to_pablo_and_downloads_his_card(signed_in_page, demo, language, width):
    page = lucia_signed_in(signed_in_page, language=language, width=width)
    lucia, pablo = demo_member("MA-2001-01"), demo_member("MA-2001-03")
    page.goto("/members/")
    assert page.url.endswith(f"/members/{lucia.pk}/")
    assert page.locator("html").get_attribute("lang") == language
    selector = page.locator("nav.member-selector")
    labels = selector.locator("a").all_inner_texts()
    assert "Lucía" in labels[0] and labels[1:] == ["Marta", "Pablo"]  # herself, then the minors by name
    assert selector.locator("a[aria-current='page']").get_attribute("href") == f"/members/{lucia.pk}/"
    assert "Marta" in page.locator("[data-notice='minor_coming_of_age']").inner_text()
    findings = serious_findings(page)

    follow_with_the_keyboard(page, f"nav.member-selector a[href='/members/{pablo.pk}/']")
    assert page.url.endswith(f"/members/{pablo.pk}/")
    assert page.locator("h1").inner_text() == "Pablo Ortega Ferrer"
    assert selector.locator("a[aria-current='page']").inner_text() == "Pablo"
    findings += serious_findings(page)

    follow_with_the_keyboard(page, f"main a[href='/members/{pablo.pk}/card/']")
    assert page.locator(".member-card-name").inner_text() == "Pablo Ortega Ferrer"
    assert "MA200103" in page.locator(".member-card-details").inner_text()
    findings += serious_findings(page)

    tab_to(page, f"a[href='/members/{pablo.pk}/card.pdf']")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == "card-MA200103.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert findings == []
