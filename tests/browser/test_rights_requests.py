"""Rights requests in Chromium (PRIV-8, UI-2): a member asks for a correction of their date of birth and
sees it listed with its deadline and progress, then opens the minor's requests as guardian; the privacy
officer opens the queue (chart and table), the request and confirms the identity. Both languages, phone
and desktop widths, axe-core on every page, and no request leaves 127.0.0.1."""

from urllib.parse import urlsplit

import pytest

from memberarea.identity.models import Account, Role
from memberarea.privacy.request_models import RequestState, RightsRequest
from tests.backoffice.conftest import make_staff
from tests.browser.charts import readable_drawing
from tests.browser.keyboard import serious_findings, words_broken_in_tables
from tests.identity.signing_in import CHROME_ANDROID
from tests.privacy.conftest import member_id

pytestmark = [pytest.mark.browser, pytest.mark.req("PRIV-8"), pytest.mark.req("UI-2")]
TEXTS = {
    "es": {"correction": "Corregir sus datos", "sent": "Su solicitud se ha enviado", "received": "Recibida",
           "guardian": "estas solicitudes se refieren solo a los datos", "queue": "Solicitudes de derechos",
           "confirm": "Confirmar la identidad", "confirmed": "Identidad confirmada"},
    "en": {"correction": "Correct your details", "sent": "Your request has been sent", "received": "Received",
           "guardian": "these requests cover", "queue": "Rights requests",
           "confirm": "Confirm identity", "confirmed": "Identity confirmed"},
}  # fmt: skip


@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280), ("es", 1280), ("en", 375)])
def test_a_member_asks_and_the_officer_works_the_queue(signed_in_page, member_account, traffic, language, width):
    Account.objects.filter(pk=member_account.pk).update(language=language)
    member_account.refresh_from_db()
    text = TEXTS[language]
    page, _ = signed_in_page(member_account, language=language, width=width, user_agent=CHROME_ANDROID)

    page.goto("/privacy/")
    page.click("main a[href='/privacy/requests/']")
    assert urlsplit(page.url).path == f"/privacy/requests/{member_id(1)}/"
    findings = serious_findings(page)
    page.click(f"main a[href='/privacy/requests/{member_id(1)}/new/correction/']")
    assert page.locator("h1").inner_text() == text["correction"]
    findings += serious_findings(page)
    page.fill("#id_date_of_birth", "1980-02-01")
    with page.expect_navigation():
        page.click("main form button[type='submit']")
    assert text["sent"] in page.locator("main").inner_text()
    assert page.locator("[data-state='received']").inner_text() == text["received"]
    assert page.locator("progress").get_attribute("value") == "25"
    findings += serious_findings(page)

    page.click(f"nav.member-selector a[href='/privacy/requests/{member_id(3)}/']")
    assert text["guardian"] in page.locator("main").inner_text()
    findings += serious_findings(page)

    officer = make_staff(Role.PRIVACY_OFFICER)
    Account.objects.filter(pk=officer.pk).update(language=language)
    officer.refresh_from_db()
    staff_page, _ = signed_in_page(officer, language=language, width=width)
    staff_page.goto("/staff/")
    staff_page.click("main a[href='/staff/privacy/requests/']")
    assert staff_page.locator("h1").inner_text() == text["queue"]
    assert staff_page.locator("svg.bar-chart rect.bar").count() >= 1
    readable_drawing(staff_page, width)  # the due weeks' chart: its dates readable at 375 px (decision 0050)
    findings += serious_findings(staff_page) + words_broken_in_tables(staff_page)
    made = RightsRequest.objects.get()
    staff_page.click(f"a[href='/staff/privacy/requests/{made.pk}/']")
    findings += serious_findings(staff_page) + words_broken_in_tables(staff_page)
    with staff_page.expect_navigation():
        staff_page.click(f"button:text-is('{text['confirm']}')")
    assert RightsRequest.objects.get().state == RequestState.IDENTITY_CONFIRMED
    assert text["confirmed"] in staff_page.locator("main").inner_text()
    findings += serious_findings(staff_page)

    assert findings == []
    assert traffic.requests and all(urlsplit(url).hostname == "127.0.0.1" for url in traffic.requests)
