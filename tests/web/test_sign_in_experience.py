"""Where signing in leads and what the pages around it say (issue 10; LOGIN-5, LOGIN-9, UI-1, UI-2, AREA-1),
without JavaScript: landing, the signed-in home page, signing out, the password page, the language."""

import re

import pytest
from django.conf import settings
from django.test import Client

from memberarea.identity.models import Account, SessionRecord
from tests.identity.signing_in import ended, signed_in_client
from tests.web.test_sign_in_pages import code_for, password_step, sign_in

pytestmark = pytest.mark.django_db
WRONG_CURRENT = "The current password is not correct."


def main_of(response) -> str:
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


@pytest.mark.req("AREA-1")
def test_the_second_step_lands_on_the_members_own_dashboard(member_account):
    browser = Client()
    sign_in(browser)  # asserts the redirect to /members/
    dashboard = browser.get("/members/")
    assert re.fullmatch(r"/members/[0-9a-f-]{36}/", dashboard["Location"])
    assert browser.get(dashboard["Location"]).status_code == 200


@pytest.mark.req("AREA-1")
def test_the_registration_done_page_leads_to_the_member_area(member_account):
    browser, _ = signed_in_client(member_account)
    page = main_of(browser.get("/register/done/"))
    assert 'class="button" href="/members/"' in page


@pytest.mark.req("UI-3")
def test_the_home_page_knows_a_signed_in_member(member_account):
    anonymous = main_of(Client(HTTP_ACCEPT_LANGUAGE="en").get("/"))
    assert 'href="/register/"' in anonymous and 'href="/sign-in/"' in anonymous
    browser, _ = signed_in_client(member_account, language="en")
    home = main_of(browser.get("/"))
    assert 'href="/register/"' not in home and 'href="/sign-in/"' not in home
    assert 'href="/members/"' in home and 'action="/sign-out/"' in home


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "You have signed out. To come back, sign in again."),
     ("es", "Ha cerrado la sesión. Para volver, inicie sesión de nuevo.")],
)  # fmt: skip
def test_signing_out_says_so_on_the_home_page(member_account, language, text):
    Account.objects.filter(pk=member_account.pk).update(language=language)
    browser, record = signed_in_client(member_account, language=language)
    response = browser.post("/sign-out/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert text in main_of(response) and 'data-notice="signed-out"' in main_of(response)
    assert ended(record) == "signed_out"
    assert text not in main_of(browser.get("/"))  # said once


@pytest.mark.req("LOGIN-9")
@pytest.mark.req("UI-2")
def test_a_wrong_current_password_is_said_once_and_specifically(member_account):
    Account.objects.filter(pk=member_account.pk).update(language="en")
    browser, _ = signed_in_client(member_account)
    response = browser.post("/account/password/", {"current_password": "Wrong1Password", "password": "Nuevo7Camino"})
    assert response.status_code == 400
    summary = main_of(response).split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert summary.count(WRONG_CURRENT) == 1 and 'href="#id_current_password"' in summary
    assert "document or the password" not in main_of(response)


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-9")
def test_after_a_password_change_this_browser_stays_and_every_other_session_ends(member_account):
    Account.objects.filter(pk=member_account.pk).update(language="en")
    browser, record = signed_in_client(member_account)
    other, other_record = signed_in_client(member_account)
    key_before = browser.cookies[settings.SESSION_COOKIE_NAME].value
    response = browser.post(
        "/account/password/", {"current_password": "Lindero7Azul", "password": "Nuevo7Camino"}, follow=True
    )
    assert response.redirect_chain == [("/account/", 302)]
    text = main_of(response)
    assert "You are still signed in on this browser" in text and "Every other browser and app" in text
    assert browser.cookies[settings.SESSION_COOKIE_NAME].value != key_before  # a new session id
    assert browser.get("/account/sessions/").status_code == 200  # still signed in, next request too
    assert ended(record) == "" and ended(other_record) == "password_changed"
    assert other.get("/account/sessions/").status_code == 302


@pytest.mark.req("UI-1")
def test_the_language_of_sign_in_is_kept_and_offered_for_saving(member_account):
    assert member_account.language == "es"
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(browser)
    dashboard = browser.get(browser.get("/members/")["Location"])
    page = dashboard.content.decode()
    assert '<html lang="en"' in page  # not switched to the account's Spanish
    offer = main_of(dashboard).split('class="language-offer', 1)[1].split("</form>", 1)[0]
    assert "You are using English, but your emails and text messages are in Spanish." in offer
    assert 'name="language" value="en"' in offer
    browser.post("/language/", {"language": "en", "next": "/members/"})
    assert Account.objects.get(pk=member_account.pk).language == "en"  # through account_language_set
    assert "language-offer" not in browser.get(browser.get("/members/")["Location"]).content.decode()


@pytest.mark.req("UI-1")
def test_spanish_sign_in_keeps_spanish_and_offers_nothing(member_account):
    browser = Client(HTTP_ACCEPT_LANGUAGE="es")
    sign_in(browser)
    page = browser.get(browser.get("/members/")["Location"]).content.decode()
    assert '<html lang="es"' in page and "language-offer" not in page


@pytest.mark.req("LOGIN-9")
def test_a_contact_change_confirmed_with_a_stale_session_is_refused(member_account, frozen_clock):
    browser = Client()
    sign_in(browser)
    assert browser.post("/account/contact/", {"channel": "sms", "value": "699 111 222"}).status_code == 302
    frozen_clock.advance(seconds=settings.STEP_UP_SECONDS)
    response = browser.post("/account/contact/", {"code": code_for("+34699111222", "contact_code")})
    assert response["Location"] == "/account/confirm/?next=/account/contact/"
    assert "+34699111222" not in browser.get("/account/").content.decode()


@pytest.mark.req("LOGIN-5")
def test_signing_in_again_in_the_same_browser_lists_it_once(member_account):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(browser)
    sign_in(browser)  # the home page used to offer "sign in" to a signed-in member
    assert SessionRecord.objects.filter(account=member_account, ended_at__isnull=True).count() == 1
    page = main_of(browser.get("/account/sessions/"))
    assert page.count('class="session-entry') == 1 and "this device" in page


@pytest.mark.req("LOGIN-6")
def test_a_trusted_browser_is_one_entry_with_its_trust(member_account):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(browser, trust_device="1")
    page = main_of(browser.get("/account/sessions/"))
    assert page.count('class="session-entry') == 1
    assert "Not asked until" in page and "Forget this device" in page and "Sign out here" in page
    assert password_step(browser)["Location"] == "/members/"  # the trust still works


@pytest.mark.req("UI-2")
def test_the_code_field_is_focused_once_sent_and_the_summary_after_an_error(member_account):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    password_step(browser)
    assert " autofocus" not in main_of(browser.get("/sign-in/code/"))  # nothing to type yet
    browser.post("/sign-in/code/", {"channel": "sms"})
    field = re.search(r"<input id=\"id_code\"[^>]*>", main_of(browser.get("/sign-in/code/"))).group(0)
    assert " autofocus" in field
    failed = browser.post("/sign-in/code/", {"code": "000000" if code_for("+34600000001") != "000000" else "111111"})
    assert failed.status_code == 400 and " autofocus" not in main_of(failed)  # the summary takes focus
    html = failed.content.decode()
    assert 'class="error-summary" role="alert"' in html and 'tabindex="-1"' in html
    assert re.search(r'<script src="/static/memberarea/js/focus\.[0-9a-f.]*js" defer></script>', html)
