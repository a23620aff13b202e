"""Pages answer GET, HEAD and POST only; the probes GET and HEAD (issue 15, defect 9; REL-6).

TRACE, OPTIONS and invented methods used to reach the views: 200 on the home page, the probes and
every page without a method decorator. Now 405 with `Allow`, before a view or a login redirect.
"""

import re

import pytest
from django.test import Client

from tests.web.crawling import web_routes

pytestmark = [pytest.mark.django_db, pytest.mark.req("REL-6")]

REFUSED = ("TRACE", "OPTIONS", "PUT", "PATCH", "DELETE", "PROPFIND", "BREW")


def _a_path(route: str) -> str:
    """The route with each parameter filled in: the rule answers before any lookup."""
    return "/" + re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: "0" * 8 + "-0000-0000-0000-" + "0" * 12 if m.group(1) == "uuid" else "x", route
    )


PAGES = sorted(route for route in web_routes() if not route.startswith("api/"))  # the API's root is no page


@pytest.mark.parametrize("route", PAGES)
def test_every_page_refuses_other_methods_with_allow(route):
    client = Client()
    for method in REFUSED:
        response = client.generic(method, _a_path(route))
        assert response.status_code == 405, (method, route, response.status_code)
        assert response["Allow"] == "GET, HEAD, POST", (method, route)


@pytest.mark.parametrize("path", ["/health", "/ready"])
def test_the_probes_answer_get_and_head_only(path):
    client = Client()
    assert client.get(path).status_code == 200 and client.head(path).status_code == 200
    for method in ("POST", *REFUSED):
        response = client.generic(method, path)
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD", (method, path)


def test_the_api_document_answers_get_and_head_only(client):
    assert client.head("/api/v1/openapi.json").status_code == 200
    for method in ("POST", *REFUSED):
        response = client.generic(method, "/api/v1/openapi.json")
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD", method
        assert response.json()["error"]["code"] == "method_not_allowed"


def test_the_api_keeps_its_own_methods(client):
    response = client.generic("TRACE", "/api/v1/brand")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"
