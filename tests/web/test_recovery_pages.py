"""The recovery and forgotten-username pages without JavaScript (REC-1..4, LOGIN-8, UI-2): one answer page for
everyone, the link's token out of every URL, and a link that only a POST spends."""

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client

from memberarea.identity.models import Account, RecoveryToken
from tests.captcha_solving import captcha_answer
from tests.enrollment.records import nif
from tests.identity.flows.test_recovery import NEW_PASSWORD, link_sent
from tests.identity.registering import HOLDER_NIF, PASSWORD

pytestmark = pytest.mark.django_db

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _quick_captcha(settings):
    settings.CAPTCHA_MAX_NUMBER = 2_000


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def opened(browser: Client, token: str):
    """Follow the emailed link as a browser does; returns the redirect."""
    return browser.get(f"/password-reset/{token}/")


@pytest.mark.req("REC-1")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize("path", ["/password-reset/", "/forgotten-username/"])
def test_the_forms_carry_the_captcha_and_say_it_needs_javascript(browser, path):
    page = browser.get(path).content.decode()
    assert "<altcha-widget" in page and "vendor/altcha/altcha.js" in page
    assert "This step needs JavaScript" in page  # shown when scripts are off


@pytest.mark.req("REC-4")
def test_the_request_page_says_how_to_get_help_without_the_email(browser):
    page = browser.get("/password-reset/").content.decode()
    assert "No access to that email any more?" in page and "+34 900 000 000" in page


@pytest.mark.req("REC-1")
@pytest.mark.req("LOGIN-8")
@pytest.mark.parametrize(
    ("path", "known", "unknown"),
    [
        ("/password-reset/", {"username": HOLDER_NIF}, {"username": nif("99999999")}),
        (
            "/forgotten-username/",
            {"member_number": "M-000001", "policy_number": "POL-100", "date_of_birth": "12/03/1985"},
            {"member_number": "M-000001", "policy_number": "POL-100", "date_of_birth": "13/03/1985"},
        ),
    ],
)
def test_one_answer_page_whatever_the_data_named(member_account, path, known, unknown):
    answers = []
    for number, form in enumerate((known, unknown)):
        response = Client(HTTP_ACCEPT_LANGUAGE="es", REMOTE_ADDR=f"192.0.2.{number + 80}").post(
            path, {**form, "altcha": captcha_answer()}
        )
        answers.append((response.status_code, CSRF.sub(b"", response.content)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200 and b'role="status"' in answers[0][1]


@pytest.mark.req("REC-1")
@pytest.mark.req("UI-2")
def test_errors_are_shown_on_the_form_with_the_typed_value(browser, member_account):
    response = browser.post("/password-reset/", {"username": HOLDER_NIF})
    page = response.content.decode()
    assert response.status_code == 400 and 'data-error-code="captcha_required"' in page
    assert f'value="{HOLDER_NIF}"' in page
    response = browser.post("/password-reset/", {"username": "?", "altcha": captcha_answer()})
    assert 'aria-invalid="true"' in response.content.decode() and 'href="#id_username"' in response.content.decode()
    response = browser.post("/forgotten-username/", {"member_number": "M-000001", "altcha": captcha_answer()})
    page = response.content.decode()
    assert response.status_code == 400 and 'href="#id_policy_number"' in page and 'href="#id_date_of_birth"' in page


@pytest.mark.req("REC-2")
def test_the_link_leaves_the_address_bar_at_once_and_never_acts(browser, member_account):
    token = link_sent()
    response = opened(browser, token)
    assert response.status_code == 302 and response["Location"] == "/password-reset/new/"
    page = browser.get("/password-reset/new/")
    assert page.status_code == 200 and token not in page.content.decode()
    assert 'autocomplete="new-password"' in page.content.decode() and "password-rules.js" in page.content.decode()
    assert RecoveryToken.objects.get().used_at is None
    assert browser.post(f"/password-reset/{token}/").status_code == 405


@pytest.mark.req("REC-3")
@pytest.mark.req("UI-2")
def test_a_new_password_through_the_pages_does_not_sign_the_browser_in(browser, member_account):
    opened(browser, link_sent())
    response = browser.post("/password-reset/new/", {"password": PASSWORD})  # the current one: history
    assert response.status_code == 400 and 'data-error-code="password_policy"' in response.content.decode()
    response = browser.post("/password-reset/new/", {"password": NEW_PASSWORD})
    assert response["Location"] == "/password-reset/done/"
    assert check_password(NEW_PASSWORD, Account.objects.get().password)
    assert "_auth_user_id" not in browser.session
    assert 'href="/sign-in/"' in browser.get("/password-reset/done/").content.decode()
    again = browser.get("/password-reset/new/")
    assert again.status_code == 410 and 'href="/password-reset/"' in again.content.decode()


@pytest.mark.req("REC-2")
@pytest.mark.req("REC-4")
@pytest.mark.parametrize("language", ["es", "en"])
def test_a_dead_link_explains_itself_and_offers_a_new_one(member_account, frozen_clock, language):
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    opened(browser, link_sent())
    frozen_clock.advance(hours=24)
    response = browser.get("/password-reset/new/")
    page = response.content.decode()
    assert response.status_code == 410 and 'data-error-code="link_invalid"' in page
    assert 'href="/password-reset/"' in page and "+34 900 000 000" in page
    assert f'lang="{language}"' in page


@pytest.mark.req("REC-2")
def test_a_forged_link_shows_the_same_dead_link_page(browser):
    opened(browser, "A" * 43)
    response = browser.get("/password-reset/new/")
    assert response.status_code == 410
    assert browser.get("/password-reset/new/").status_code == 410  # nothing in the session any more


@pytest.mark.req("LOGIN-8")
@pytest.mark.req("UI-3")
def test_the_help_page_leads_to_both_forms(browser):
    page = browser.get("/help/forgotten-username/").content.decode()
    assert 'href="/forgotten-username/"' in page and 'href="/password-reset/"' in page
