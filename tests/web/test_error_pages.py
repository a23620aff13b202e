"""Refusals read as the site's own page (issue 10, broken #6): any PermissionDenied, the back office's
included, is a translated page in the layout with the way back for this visitor; the CSRF page stays."""

import pytest
from django.test import Client
from django.utils import translation

from memberarea.identity.models import Role
from tests.backoffice.conftest import make_staff
from tests.identity.signing_in import signed_in_client

pytestmark = pytest.mark.django_db


def _text(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def _assert_site_page(response, language: str) -> str:
    page = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}"' in page
    assert 'href="#main"' in page and 'class="site-footer"' in page, "not in the site's layout"
    assert "Forbidden" not in page
    return page


@pytest.mark.req("BO-1")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize("language", ["es", "en"])
def test_a_staff_page_outside_the_role_is_a_translated_page_back_to_the_back_office(language):
    officer = make_staff(Role.PRIVACY_OFFICER)
    officer.language = language
    officer.save(update_fields=["language"])
    browser, _ = signed_in_client(officer, language=language)
    page = _assert_site_page(browser.get("/staff/deliveries/"), language)
    assert f"<h1>{_text(language, 'You cannot open this page')}</h1>" in page
    role_note = "Your staff role does not include this page. If your work needs it, ask an administrator."
    assert _text(language, role_note) in page
    assert f'<a href="/staff/">{_text(language, "Back to the back office")}</a>' in page


@pytest.mark.req("UI-1")
@pytest.mark.parametrize("language", ["es", "en"])
def test_a_refusal_sends_a_member_to_the_member_area_and_a_visitor_home(settings, member_account, language):
    settings.ROOT_URLCONF = "tests.web.forbidding_urls"
    member_account.language = language
    member_account.save(update_fields=["language"])
    member, _ = signed_in_client(member_account, language=language)
    page = _assert_site_page(member.get("/refused/"), language)
    assert _text(language, "This page is not part of what your account can see.") in page
    assert f'<a href="/members/">{_text(language, "Go to the member area")}</a>' in page

    page = _assert_site_page(Client(HTTP_ACCEPT_LANGUAGE=language).get("/refused/"), language)
    assert f'<a href="/">{_text(language, "Back to the home page")}</a>' in page


@pytest.mark.req("UI-1")
@pytest.mark.parametrize("language", ["es", "en"])
def test_a_form_without_its_csrf_token_still_gets_the_try_again_page(language):
    response = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language).post("/sign-in/", {})
    page = _assert_site_page(response, language)
    assert f"<h1>{_text(language, 'Please try again')}</h1>" in page
