"""The published documents' pages (PRIV-1, UI-1): every page's footer links them, each version has its
address forever, in the page's language, with "last updated", the summary of changes and the versions."""

import pytest
from django.test import Client

from memberarea.core import clock
from memberarea.identity.models import Role
from memberarea.privacy.models import DocumentKind
from tests.backoffice.conftest import make_staff
from tests.privacy.publishing import SUMMARY_EN, SUMMARY_ES, publish, today

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-1")]
FOOTER = {
    "es": ["Aviso de privacidad", "Condiciones de uso", "Política de cookies", "Declaración de accesibilidad"],
    "en": ["Privacy notice", "Terms of use", "Cookie policy", "Accessibility statement"],
}


@pytest.mark.req("UI-1")
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("path", ["/", "/help/", "/sign-in/", "/register/", "/privacy/terms/", "/no-such-page/"])
def test_every_page_footer_links_the_four_documents_in_its_language(path, language):
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get(path).content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    for kind, label in zip(DocumentKind, FOOTER[language], strict=True):
        assert f'<a href="/privacy/{kind}/">{label}</a>' in footer


@pytest.mark.req("UI-1")
@pytest.mark.parametrize(
    ("language", "heading", "words"),
    [
        ("es", "Aviso de privacidad", "Sus derechos y cómo ejercerlos"),
        ("en", "Privacy notice", "Your rights and how to use them"),
    ],
)
def test_the_notice_in_force_shows_in_the_page_language_with_its_date(language, heading, words):
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/privacy/notice/").content.decode()
    assert f'<h1 id="document-title">{heading}</h1>' in page
    assert f"<h2>{words}</h2>" in page
    assert ("Última actualización" if language == "es" else "Last updated") in page


def test_a_new_version_lists_the_earlier_one_which_stays_readable_at_its_address():
    with clock.frozen(clock.now()) as frozen:
        publish(make_staff(Role.PRIVACY_OFFICER), body_en="# Fresh\nThe second text.", days=1)
        assert "The second text." not in Client(HTTP_ACCEPT_LANGUAGE="en").get("/privacy/notice/").content.decode()
        assert Client().get("/privacy/notice/v2/").status_code == 404  # not in force yet: not public
        frozen.advance(days=1)
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        current = client.get("/privacy/notice/").content.decode()
        old = client.get("/privacy/notice/v1/").content.decode()
        spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get("/privacy/notice/v2/").content.decode()

    assert "The second text." in current and SUMMARY_EN in current
    assert 'href="/privacy/notice/v1/"' in current and 'href="/privacy/notice/v2/" aria-current="page"' in current
    assert "This is an earlier version, no longer in force. The current one is version 2." in old
    assert "The second text." not in old and "Your rights and how to use them" in old
    assert SUMMARY_ES in spanish and "<h2>Nuevo</h2>" in spanish


def test_unknown_versions_and_documents_are_not_found():
    client = Client()
    assert client.get("/privacy/notice/v9/").status_code == 404
    assert client.get("/privacy/notice/v0/").status_code == 404
    assert client.get("/privacy/other/").status_code == 404


@pytest.mark.req("API-1")
def test_the_api_serves_the_version_in_force_and_each_version_in_the_request_language():
    publish(
        make_staff(Role.PRIVACY_OFFICER), kind=DocumentKind.COOKIES, body_es="# Cookies\n[Más](https://example.org/)"
    )
    answer = Client(HTTP_ACCEPT_LANGUAGE="es").get("/api/v1/privacy/notices/cookies").json()
    assert (answer["kind"], answer["number"], answer["in_force"], answer["language"]) == ("cookies", 2, True, "es")
    assert answer["effective_on"] == today().isoformat() and answer["summary"] == SUMMARY_ES
    assert answer["html"].startswith("<h2>Cookies</h2>") and "(se abre en otro sitio)" in answer["html"]
    assert [v["url"] for v in answer["versions"]] == [
        "/api/v1/privacy/notices/cookies/v/2",
        "/api/v1/privacy/notices/cookies/v/1",
    ]
    first = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/privacy/notices/cookies/v/1").json()
    assert (first["number"], first["in_force"], first["summary"]) == (1, False, "")
    assert "Cookies the member area needs" in first["body"]
