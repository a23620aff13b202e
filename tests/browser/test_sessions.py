"""Ending a session from another browser, in Chromium (LOGIN-5, UI-2): two browsers signed in as one
member; the first ends the second's session from "Your sessions and devices" with the keyboard
alone, and the second is signed out on its next request. axe-core checks the page in Spanish and
English, on a phone and a desktop."""

import pytest
from django.conf import settings
from playwright.sync_api import Page

from memberarea.identity.models import Account
from memberarea.identity.sessions import app_session_for_access_token
from tests.browser.keyboard import serious_findings, tab_to
from tests.identity.signing_in import CHROME_ANDROID, app_sign_in, ended, trusted_device

pytestmark = pytest.mark.browser
PAGE = "/account/sessions/"
TEXTS = {
    "es": {"heading": "Sus sesiones y dispositivos", "ended": ("La sesión se ha cerrado", "The session has ended")},
    "en": {"heading": "Your sessions and devices", "ended": ("The session has ended",)},
}


def end_with_the_keyboard(page: Page, record_id) -> None:
    tab_to(page, f"form[action='/account/sessions/{record_id}/end/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-6")
@pytest.mark.req("UI-1")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(("language", "width"), [("es", 375), ("en", 1280), ("es", 1280), ("en", 375)])
def test_one_browser_ends_the_other_with_the_keyboard(signed_in_page, member_account, language, width):
    Account.objects.filter(pk=member_account.pk).update(language=language)  # signed-in pages speak it
    member_account.refresh_from_db()
    first, _ = signed_in_page(member_account, language=language, width=width, user_agent=CHROME_ANDROID)
    second, second_record = signed_in_page(
        member_account, language=language, width=width, user_agent="Firefox/128.0 (Windows)"
    )
    trusted_device(member_account, at=second_record.created_at)  # so every kind of entry is on the page
    app = app_sign_in(member_account)

    second.goto(PAGE)
    assert second.locator("h1").inner_text() == TEXTS[language]["heading"]
    first.goto(PAGE)
    assert first.locator("h1").inner_text() == TEXTS[language]["heading"]
    assert first.locator(".session-entry").count() == 4
    findings = serious_findings(first)

    end_with_the_keyboard(first, second_record.pk)
    assert first.url.endswith(PAGE)
    assert first.locator(".notice").inner_text().startswith(TEXTS[language]["ended"])
    assert first.locator(f"form[action='/account/sessions/{second_record.pk}/end/']").count() == 0
    findings += serious_findings(first)
    assert ended(second_record) == "ended_by_member"
    assert app_session_for_access_token(app.access_token) is not None

    next_request = second.context.request.get(PAGE, max_redirects=0)
    assert next_request.status == 302
    assert next_request.headers["location"] == f"{settings.LOGIN_URL}?next={PAGE}"
    second.goto("/")
    assert second.locator(f"a[href='{PAGE}']").count() == 0  # the header shows a signed-out visitor
    assert second.locator("form.sign-out").count() == 0
    assert findings == []
