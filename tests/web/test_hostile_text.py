"""Form fields and query strings follow the text rule too (REL-1, core/text.py, decision 0028).

A browser's form cannot carry an unpaired surrogate (it sends UTF-8, and broken bytes read as
U+FFFD), but a hand-made request can carry NUL, which PostgreSQL refuses in text: 400 before any
view, on a page in the site's layout and language.
"""

import pytest
from django.test import Client

from memberarea.identity.models import Account

pytestmark = [pytest.mark.django_db, pytest.mark.req("REL-1")]


@pytest.mark.req("UI-1")
@pytest.mark.parametrize(
    ("language", "says"),
    [("en", "This contains a character we cannot accept."), ("es", "Contiene un carácter que no podemos aceptar.")],
)
def test_a_form_field_with_nul_is_refused_in_the_visitors_language(member_account, language, says):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).post("/sign-in/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page and 'href="/sign-in/"' in page
    assert not Account.objects.get().last_login


@pytest.mark.parametrize("path", ["/?q=a%00b", "/help/?topic=%00", "/staff/?member=%00"])
def test_a_query_parameter_with_nul_is_refused(client, path):
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("path", ["/sign-in/?next=%ED%A0%80", "/?q=%ED%A0%80%F0"])
def test_broken_utf8_in_a_query_reads_as_replacement_characters(client, path):
    assert client.get(path).status_code in {200, 302}
