"""REL-1: schemathesis over the whole OpenAPI document, signed out and signed in (issue 15).

Every operation gets the examples, coverage and fuzzing phases of schemathesis (valid and invalid
requests, unexpected methods); each answer must be no 5xx, a status the operation documents, its
content type, headers and body as documented (errors in the `ErrorBody` shape), and — through the
API tests' middleware — an error code the operation declares. Seeded and bounded for CI: Hypothesis
derandomised, no example database, a fixed number of examples per operation.
"""

import json

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.answers import document
from tests.fuzz.sending import case_send
from tests.fuzz.signing_up import Bearer

pytestmark = [pytest.mark.django_db, pytest.mark.req("REL-1"), pytest.mark.req("API-1")]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 15  # per operation and phase: about 1,800 cases signed out and as many signed in
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # one database per operation's test, kept across its examples (the member and their token)
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# The document as served at /api/v1/openapi.json (tests/api/test_openapi_truth.py holds it to the server).
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(document())))


@pytest.fixture
def fuzz_client() -> Client:
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def member_bearer(enrolled) -> Bearer:
    return Bearer()


@schema.parametrize()
@FUZZ
def test_signed_out(fuzz_client, case, fuzz_cases):
    fuzz_cases.count()
    case.validate_response(case_send(fuzz_client, case), checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_signed_in(fuzz_client, member_bearer, case, fuzz_cases):
    fuzz_cases.count()
    case.validate_response(case_send(fuzz_client, case, member_bearer.live()), checks=CHECKS)
