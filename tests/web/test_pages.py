"""Home and help pages in both languages (UI-1, UI-3) and the language switch (UI-1)."""

import re
from html import unescape

import pytest

from memberarea.identity.models import Account
from memberarea.identity.services import account_create
from tests.identity.signing_in import signed_in_client

pytestmark = pytest.mark.django_db

# The expected titles are written out, not looked up, so a missing translation fails the test.
TOPIC_TITLES = {
    "register": {"es": "Cómo registrarse", "en": "How to register"},
    "passwords": {"es": "Requisitos de la contraseña", "en": "Password rules"},
    "two-step": {"es": "Verificación en dos pasos", "en": "Two-step verification"},
    "forgotten-username": {"es": "Nombre de usuario olvidado", "en": "Forgotten username"},
    "contact": {"es": "Contacto", "en": "Contact us"},
}
BRAND = "Ejemplia Salud"


def _page(response) -> dict[str, str]:
    html = response.content.decode()

    def first(pattern: str) -> str:
        found = re.search(pattern, html, re.S)
        return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""

    return {
        "lang": first(r'<html lang="([^"]+)"'),
        "title": first(r"<title>(.*?)</title>"),
        "h1": first(r"<h1[^>]*>(.*?)</h1>"),
    }


@pytest.mark.req("UI-3")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("topic", list(TOPIC_TITLES))
def test_every_help_topic_answers_in_both_languages_with_its_translated_title(client, topic, language):
    response = client.get(f"/help/{topic}/", headers={"accept-language": language})
    assert response.status_code == 200
    page = _page(response)
    expected = TOPIC_TITLES[topic][language]
    assert page == {"lang": language, "title": f"{expected} · {BRAND}", "h1": expected}


@pytest.mark.req("UI-3")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_help_index_links_every_topic_in_the_visitors_language(client, language):
    response = client.get("/help/", headers={"accept-language": language})
    html = response.content.decode()
    assert response.status_code == 200
    assert _page(response)["h1"] == {"es": "Ayuda", "en": "Help"}[language]
    for topic, titles in TOPIC_TITLES.items():
        assert f'<a href="/help/{topic}/">{unescape(titles[language])}</a>' in unescape(html)


@pytest.mark.req("UI-1")
@pytest.mark.parametrize(
    ("accept_language", "expected_lang", "expected_h1"),
    [
        ("es-ES,es;q=0.9", "es", f"Su área de clientes de {BRAND}"),
        ("en-GB,en;q=0.8", "en", f"Your {BRAND} member area"),
        ("de-DE,fr;q=0.5", "es", f"Su área de clientes de {BRAND}"),  # neither offered: Spanish, the default
    ],
)
def test_the_home_page_follows_the_browsers_language(client, accept_language, expected_lang, expected_h1):
    response = client.get("/", headers={"accept-language": accept_language})
    page = _page(response)
    assert (response.status_code, page["lang"], page["h1"]) == (200, expected_lang, expected_h1)


@pytest.mark.req("UI-3")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize(("language", "heading"), [("es", "Página no encontrada"), ("en", "Page not found")])
def test_an_unknown_help_topic_is_the_translated_404_page(client, language, heading):
    response = client.get("/help/no-such-topic/", headers={"accept-language": language})
    assert response.status_code == 404
    page = _page(response)
    assert (page["lang"], page["h1"]) == (language, heading)
    assert 'href="/"' in response.content.decode()  # a way back home


@pytest.mark.req("UI-1")
def test_the_language_switch_sets_the_cookie_and_later_pages_use_it(client, settings):
    response = client.post("/language/", {"language": "en", "next": "/help/passwords/?from=switch"})
    assert response.status_code == 302
    assert response["Location"] == "/help/passwords/?from=switch"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) == settings.LANGUAGE_COOKIE_AGE
    # The browser still prefers Spanish, but the visitor's explicit choice wins.
    page = _page(client.get("/help/", headers={"accept-language": "es"}))
    assert (page["lang"], page["h1"]) == ("en", "Help")


@pytest.mark.req("UI-1")
@pytest.mark.parametrize(
    "outside",
    [
        "https://evil.example/",
        "//evil.example/help/",
        "http://testserver.evil.example/",
        "https:/evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example\\",
    ],
)
def test_the_language_switch_never_redirects_off_site(client, outside):
    response = client.post("/language/", {"language": "es", "next": outside})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.req("UI-1")
def test_an_unknown_language_changes_nothing(client, settings):
    response = client.post("/language/", {"language": "fr", "next": "/help/"})
    assert (response.status_code, response["Location"]) == (302, "/help/")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert _page(client.get("/", headers={"accept-language": "es"}))["lang"] == "es"


@pytest.mark.req("UI-1")
def test_the_language_switch_only_accepts_post(client):
    assert client.get("/language/?language=en&next=/").status_code == 405


@pytest.mark.req("UI-1")
@pytest.mark.parametrize(
    ("language", "heading"),
    [("es", "Esta página solo se abre desde un botón"), ("en", "This page only opens from a button")],
)
def test_a_button_s_address_opened_as_a_link_says_so_in_the_visitor_s_language(client, language, heading):
    """/sign-out/ from the history or a bookmark, a language button's address pasted: still 405 with
    Allow, but a page that says what happened and the way back, not an empty answer the browser shows
    as its own error page."""
    for path in ("/sign-out/", "/language/"):
        response = client.get(path, headers={"accept-language": language})
        page = _page(response)
        assert (response.status_code, response["Allow"], page["lang"]) == (405, "POST", language), path
        assert heading in response.content.decode() and 'href="/"' in response.content.decode(), path
        assert "Content-Security-Policy" in response, path


@pytest.mark.req("UI-1")
def test_a_signed_in_members_choice_is_remembered_on_their_account(client):
    account = account_create(username="12345678Z", password="Secret123abc", language="es")
    client, _ = signed_in_client(account, language="es")
    client.post("/language/", {"language": "en", "next": "/"})
    account.refresh_from_db()
    assert account.language == "en"
    # Another device: no language cookie, a Spanish browser — the account's language still wins.
    other_device, _ = signed_in_client(Account.objects.get(pk=account.pk), language="es")
    assert _page(other_device.get("/", headers={"accept-language": "es"}))["lang"] == "en"


@pytest.mark.req("UI-2")
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_language_buttons_name_each_language_in_itself_and_mark_the_current_one(client, language):
    html = client.get("/", headers={"accept-language": language}).content.decode()
    buttons = re.findall(
        r'<button type="submit" name="language" value="(\w+)" lang="(\w+)"([^>]*)>([^<]+)</button>', html
    )
    assert [(value, lang, label) for value, lang, _, label in buttons] == [
        ("es", "es", "Español"),
        ("en", "en", "English"),
    ]
    current = [value for value, _, attributes, _ in buttons if 'aria-current="true"' in attributes]
    assert current == [language]
