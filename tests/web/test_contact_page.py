"""The contact page opens for a member (issue 10, broken #1): GET, an empty POST and an invalid one,
in both languages, each error tied to the one input the page has (UI-2)."""

import pytest
from django.utils import translation

from tests.identity.signing_in import signed_in_client

pytestmark = pytest.mark.django_db
PAGE = "/account/contact/"


@pytest.mark.req("LOGIN-9")
@pytest.mark.req("UI-1")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_contact_page_answers_a_member_and_explains_a_wrong_value(member_account, language):
    with translation.override(language):
        heading = translation.gettext("Change your email or mobile")
        invalid = translation.gettext("Enter a valid email address or mobile number.")
    member_account.language = language
    member_account.save(update_fields=["language"])
    browser, _ = signed_in_client(member_account, language=language)
    page = browser.get(PAGE)
    assert page.status_code == 200
    assert f'<html lang="{language}"' in page.content.decode() and heading in page.content.decode()

    for form in ({}, {"channel": "sms", "value": "not a phone"}, {"channel": "email", "value": "nobody@"}):
        response = browser.post(PAGE, form)
        text = response.content.decode()
        assert response.status_code == 400, form
        assert invalid in text, text[text.find("<main") :]
        # The summary links to the page's only input, and the input names its error.
        assert 'href="#id_value"' in text, text[text.find("<main") :]
        assert 'id="error_value_1"' in text and 'aria-invalid="true"' in text
