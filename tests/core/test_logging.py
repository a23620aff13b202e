"""Structured logs (OPS-2): JSON lines with the request id, and no personal data or tokens in them.

Everything goes through the handler configured by settings.LOGGING (its RequestIdFilter,
RedactionFilter and JsonFormatter); only its stream is swapped for a buffer we can read.
"""

import io
import json
import logging

import pytest
from django.http import HttpResponse
from django.urls import path

from memberarea.core.logging import JsonFormatter

pytestmark = pytest.mark.req("OPS-2")

logger = logging.getLogger("memberarea.tests")


@pytest.fixture
def log_lines():
    """The JSON objects written by the configured console handler during the test."""
    handlers = [handler for handler in logging.getLogger().handlers if isinstance(handler.formatter, JsonFormatter)]
    assert len(handlers) == 1, "settings.LOGGING configures one JSON handler on the root logger"
    handler = handlers[0]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)

    def read() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    try:
        yield read
    finally:
        handler.setStream(previous)


SENSITIVE = {
    "email": ("ana.garcia+seguro@example.com", "[email]"),
    "phone, international": ("+34612345678", "[phone]"),
    "phone, spaced": ("612 34 56 78", "[phone]"),
    "phone, grouped in threes": ("+34 612 345 678", "[phone]"),
    "phone, dashes": ("612-345-678", "[phone]"),
    "phone, dots and brackets": ("(+34) 612.34.56.78", "[phone]"),
    "phone, 00 prefix": ("0034612345678", "[phone]"),
    "DNI": ("12345678Z", "[document]"),
    "DNI, dash": ("12345678-Z", "[document]"),
    "DNI, dots": ("12.345.678-Z", "[document]"),
    "DNI, spaces": ("12 345 678 Z", "[document]"),
    "DNI without letter": ("12345678", "[document]"),
    "DNI without letter, dots": ("12.345.678", "[document]"),
    "NIE": ("X1234567L", "[document]"),
    "NIE, lower case": ("y1234567x", "[document]"),
    "NIE, dashes": ("X-1234567-L", "[document]"),
    "NIE without letter": ("Z1234567", "[document]"),
    "date ISO": ("1985-03-12", "[date]"),
    "date d/m/y": ("12/03/1985", "[date]"),
    "date d-m-y": ("12-03-1985", "[date]"),
    "date d.m.y": ("12.03.1985", "[date]"),
    "date y/m/d": ("1985/03/12", "[date]"),
    "one-time code": ("482913", "[code]"),
    "URL token": ("/recover/confirm/?token=Qm9vbGVhbi1vbmx5LXRva2Vu&next=/", "?token=[redacted]"),
    "URL code": ("/sign-in/link?code=482913", "?code=[redacted]"),
    "long token": ("Zm9vYmFyYmF6cXV4cXV1eHh4eHh4eHh4eA-9f", "[token]"),
    "hex token": ("5f0c2c1e9a8b4c3d8e7f1234567890ab", "[token]"),
    "signed token": ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl", "[token]"),
}


@pytest.mark.parametrize(("value", "placeholder"), SENSITIVE.values(), ids=SENSITIVE.keys())
def test_personal_values_and_secrets_are_redacted(log_lines, value, placeholder):
    logger.warning("member said %s then left", value)
    [line] = log_lines()
    secret = value.split("=", 1)[1].split("&")[0] if "=" in value else value
    assert secret not in line["message"]
    assert placeholder in line["message"]
    assert line["message"].startswith("member said ") and line["message"].endswith(" then left")


def test_tracebacks_are_redacted_and_kept_readable(log_lines):
    def identify(document: str, email: str) -> None:
        raise ValueError(f"no member with document {document} and email {email}")

    try:
        identify("X1234567L", "ana.garcia@example.com")
    except ValueError:
        logger.exception("identification failed for %s", "+34612345678")
    [line] = log_lines()
    assert line["level"] == "ERROR" and line["message"] == "identification failed for [phone]"
    trace = line["exception"]
    assert "Traceback (most recent call last)" in trace and "ValueError: no member with document" in trace
    assert "in identify" in trace and "test_tracebacks_are_redacted_and_kept_readable" in trace
    for secret in ("X1234567L", "ana.garcia@example.com", "+34612345678"):
        assert secret not in json.dumps(line)


HARMLESS = [
    '"GET /help/ HTTP/1.1" 200 3154',
    '"POST /api/v1/enrollment/batches HTTP/1.1" 401 92',
    "Not Found: /help/contact/",
    "periodic job prune_stored_files: 3 expired files deleted",
    "audit head seq=1204 anchored",
    "worker 4 took 250 ms for 17 rows",
    "127.0.0.1 connected to port 5432",
    "File memberarea/core/views.py, line 67, in ready: OperationalError",
    "django.db.utils.OperationalError raised in _django_testcase_ensure_connection",
]


@pytest.mark.parametrize("message", HARMLESS)
def test_harmless_lines_keep_their_useful_parts(log_lines, message):
    logger.warning(message)
    assert log_lines()[0]["message"] == message


def test_each_line_is_one_json_object_with_the_expected_fields(log_lines):
    logger.warning("status %s", "ok")
    logger.error("second line")
    first, second = log_lines()
    assert first["level"] == "WARNING" and first["logger"] == "memberarea.tests" and first["message"] == "status ok"
    assert first["time"].endswith("+00:00") and "T" in first["time"]
    assert first["request_id"] is None, "outside a request there is no id"
    assert second["message"] == "second line"


@pytest.mark.django_db
def test_lines_logged_during_a_request_carry_its_request_id(log_lines, client):
    response = client.get("/no-such-page/?token=Qm9vbGVhbi1vbmx5LXRva2Vu", HTTP_X_REQUEST_ID="proxy-req-0001")
    assert response.status_code == 404 and response["X-Request-ID"] == "proxy-req-0001"
    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == "proxy-req-0001"
    assert line["status"] == 404 and line["message"] == "Not Found: /no-such-page/"

    generated = client.get("/no-such-page/", HTTP_X_REQUEST_ID="bad id!")
    made_here = generated["X-Request-ID"]
    assert made_here != "bad id!" and len(made_here) == 32
    assert log_lines()[-1]["request_id"] == made_here


def view_that_logs(request):
    logging.getLogger("memberarea.views").warning("looked up member %s", "X1234567L")
    return HttpResponse("ok")


urlpatterns = [path("log-something/", view_that_logs)]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_view_s_own_lines_carry_the_request_id(log_lines, client):
    """Lines written while the view runs (not only Django's closing line) are bound to the request."""
    client.get("/log-something/", HTTP_X_REQUEST_ID="proxy-req-0002")
    client.get("/log-something/", HTTP_X_REQUEST_ID="proxy-req-0003")
    lines = [line for line in log_lines() if line["logger"] == "memberarea.views"]
    assert [line["request_id"] for line in lines] == ["proxy-req-0002", "proxy-req-0003"]
    assert {line["message"] for line in lines} == {"looked up member [document]"}
    logger.warning("after the requests")
    assert log_lines()[-1]["request_id"] is None, "the id is unbound when the request ends"
