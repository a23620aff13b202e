"""API errors (API-1): one shape with stable codes listed in the OpenAPI document, messages translated."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from memberarea.core.errors import REGISTRY
from tests.api import answers

pytestmark = [pytest.mark.req("API-1"), pytest.mark.django_db]


SPANISH_CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES" / "django.mo"
ENGLISH = {
    "invalid": "Some of the information is not valid. Please check the fields marked.",
    "not_found": "We could not find what you asked for.",
    "method_not_allowed": "This address does not accept this kind of request.",
    "server_error": "Something went wrong on our side. Please try again later.",
}


@pytest.fixture
def api() -> Client:
    return Client(raise_request_exception=False)


def _error(response, status: int, code: str, language: str) -> dict:
    """Check the shape, the status and the code; the message is the code's, in the request's language."""
    error = answers.error(response, status, code)
    assert isinstance(error["fields"], dict)
    with translation.override(language):
        assert error["message"] == str(REGISTRY[code].message)
    if language == "en":
        assert error["message"] == ENGLISH[code]
    elif SPANISH_CATALOGUE.exists():  # compiled by `make messages`; without it Spanish falls back to English
        assert error["message"] != ENGLISH[code]
    return error


def test_the_openapi_document_lists_every_error_code_with_its_status(api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    listed = {entry["code"]: entry["status"] for entry in document["info"]["x-error-codes"]}
    # that the list is every code defined in src/: test_declared_errors.py reads the source for it
    for code, status in {"invalid": 400, "not_found": 404, "method_not_allowed": 405, "rate_limited": 429}.items():
        assert listed[code] == status
    assert listed["service_unavailable"] == 503 and listed["server_error"] == 500
    schema = document["components"]["schemas"]["ErrorResponse"]
    assert "error" in schema["properties"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_wrong_method_answers_the_error_shape(api, language):
    response = api.post("/api/v1/brand", HTTP_ACCEPT_LANGUAGE=language)
    _error(response, 405, "method_not_allowed", language)
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/brand/extra", "/api/v2/brand"])
def test_an_unknown_path_answers_the_error_shape(api, language, path):
    _error(api.get(path, HTTP_ACCEPT_LANGUAGE=language), 404, "not_found", language)


def test_pages_outside_the_api_keep_their_html_error_page(api):
    response = api.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.api.probe_urls")
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "body", ["{not json", '{"name": ', "\udcff".encode("utf-8", "surrogateescape"), "[1, 2"], ids=repr
)
def test_a_body_that_is_not_json_answers_the_error_shape(api, language, body):
    response = api.post("/api/probe/echo", data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    _error(response, 400, "invalid", language)


@pytest.mark.urls("tests.api.probe_urls")
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_body_of_the_wrong_form_names_the_fields(api, language):
    response = api.post(
        "/api/probe/echo", data={"nombre": "x"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    error = _error(response, 400, "invalid", language)
    assert list(error["fields"]) == ["name"]
    with translation.override(language):
        assert error["fields"]["name"] == [str(REGISTRY["invalid"].message)]


@pytest.mark.urls("tests.api.probe_urls")
def test_a_valid_body_passes(api):
    response = api.post("/api/probe/echo", data={"name": "x"}, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"name": "x"}


@pytest.mark.urls("tests.api.probe_urls")
@pytest.mark.parametrize("language", ["en", "es"])
def test_an_unexpected_failure_answers_the_error_shape_without_details(api, language):
    response = api.get("/api/probe/boom", HTTP_ACCEPT_LANGUAGE=language)
    error = _error(response, 500, "server_error", language)
    assert "unexpected" not in json.dumps(error) and "Traceback" not in response.content.decode()
