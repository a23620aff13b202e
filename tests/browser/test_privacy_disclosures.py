"""Who saw or received my data, and Shine the Light, in Chromium (PRIV-9, PRIV-10, BO-4, UI-2): a member
opens the list from the privacy centre and finds the agent who opened their record with the reason,
role and time; switches to their minor and finds the security officer's access; opens the Shine the
Light answer. Spanish and English, on a phone (375 px, nothing wider than the screen) and a desktop
(1280 px), axe-core on every page, and no request leaves 127.0.0.1."""

import datetime as dt
from urllib.parse import urlsplit

import pytest

from memberarea.core import clock
from memberarea.identity.models import Account, Role
from memberarea.members.access import access_member
from tests.backoffice.conftest import make_staff
from tests.browser.keyboard import follow_with_the_keyboard, serious_findings
from tests.privacy.conftest import member_id

pytestmark = pytest.mark.browser
TEXTS = {
    "es": {"list": "Quién ha visto o recibido sus datos", "agent": "Agente de atención al cliente",
           "reason": "El asegurado nos ha llamado o escrito", "security": "Responsable de seguridad",
           "shine": "Quién recibió sus datos para su propio marketing", "none": "Ninguno:", "time": "02/03/2026 10:30"},
    "en": {"list": "Who saw or received your data", "agent": "Customer-service agent",
           "reason": "The member called or wrote to us", "security": "Security officer",
           "shine": "Who received your data for their own marketing", "none": "None:", "time": "2 March 2026, 10:30"},
}  # fmt: skip


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.req("PRIV-9")
@pytest.mark.req("PRIV-10")
@pytest.mark.req("BO-4")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280), ("es", 1280), ("en", 375)])
def test_a_member_sees_who_opened_their_record_and_their_minor_s(signed_in_page, member_account, traffic, language,
                                                                  width):  # fmt: skip
    with clock.frozen(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)):
        access_member(actor=make_staff(Role.AGENT), member_id=member_id(1), purpose="record",
                      reason="member_called", ticket="CS-4242")  # fmt: skip
        access_member(actor=make_staff(Role.SECURITY_OFFICER), member_id=member_id(3), purpose="freeze",
                      reason="security_case", ticket="SEC-7")  # fmt: skip
    Account.objects.filter(pk=member_account.pk).update(language=language)
    member_account.refresh_from_db()
    page, _ = signed_in_page(member_account, language=language, width=width)
    text = TEXTS[language]

    page.goto("/privacy/")
    findings = serious_findings(page)
    follow_with_the_keyboard(page, "main a[href='/privacy/disclosures/']")
    assert page.locator("h1").inner_text() == text["list"]
    entry = page.locator(".disclosure-list li").first.inner_text()
    assert text["agent"] in entry and text["reason"] in entry and "CS-4242" in entry and text["time"] in entry
    assert fits_the_screen(page)
    findings += serious_findings(page)

    follow_with_the_keyboard(page, f"nav.member-selector a[href='/privacy/disclosures/{member_id(3)}/']")
    entry = page.locator(".disclosure-list li").first.inner_text()
    assert text["security"] in entry and "SEC-7" in entry
    assert fits_the_screen(page)
    findings += serious_findings(page)

    follow_with_the_keyboard(page, f"main a[href='/privacy/shine-the-light/{member_id(3)}/']")
    assert page.locator("h1").inner_text() == text["shine"]
    assert text["none"] in page.locator("main").inner_text()
    assert fits_the_screen(page)
    findings += serious_findings(page)

    assert findings == []
    assert traffic.requests and all(urlsplit(url).hostname == "127.0.0.1" for url in traffic.requests)
    assert traffic.console_errors == []
