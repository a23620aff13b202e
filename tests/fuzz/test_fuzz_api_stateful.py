"""REL-1, stateful: schemathesis follows links from one answer to the next, signed in (issue 15).

Random member and session ids reach only `not_found`; the links below carry the ids an answer gives
(the member's own memberships from /me, their sessions, their consent receipts, a step-up flow) into
the operations that take them, so the fuzz also reaches the member's own records. The links are
added to the test's copy of the document: they describe how the fuzz walks, not the contract.
"""

import json

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings

from tests.api.answers import document
from tests.fuzz.sending import case_send
from tests.fuzz.signing_up import Bearer
from tests.fuzz.test_fuzz_api import CHECKS

pytestmark = [pytest.mark.django_db, pytest.mark.req("REL-1"), pytest.mark.req("API-1")]

MEMBER = "$response.body#/members/0/member_id"
MEMBER_SCOPED = (
    ("/members/{member_id}", "get"),
    ("/members/{member_id}/card", "get"),
    ("/members/{member_id}/card.pdf", "get"),
    ("/privacy/members/{member_id}/preferences", "get"),
    ("/privacy/members/{member_id}/preferences", "put"),
    ("/privacy/members/{member_id}/consents", "get"),
    ("/privacy/members/{member_id}/holdings", "get"),
)
# (source path, method, status) -> [(target path, method, {parameter: runtime expression})]
LINKS = {
    ("/me", "get", "200"): [(path, method, {"member_id": MEMBER}) for path, method in MEMBER_SCOPED],
    ("/sessions", "get", "200"): [("/sessions/{session_id}", "delete", {"session_id": "$response.body#/0/session_id"})],
    ("/privacy/members/{member_id}/consents", "get", "200"): [
        (
            "/privacy/members/{member_id}/consents/{receipt_id}",
            "get",
            {"member_id": "$request.path.member_id", "receipt_id": "$response.body#/records/0/receipt_id"},
        )
    ],
    ("/reauthenticate", "post", "201"): [
        ("/reauthenticate/{login_id}/send", "post", {"login_id": "$response.body#/login_id"}),
        ("/reauthenticate/{login_id}/verify", "post", {"login_id": "$response.body#/login_id"}),
    ],
}


def _linked(document_: dict) -> dict:
    paths = document_["paths"]
    for (path, method, status), targets in LINKS.items():
        answer = paths[f"/api/v1{path}"][method]["responses"][status]
        answer["links"] = {
            f"{target_method.upper()} {target}": {
                "operationId": paths[f"/api/v1{target}"][target_method]["operationId"],
                "parameters": parameters,
            }
            for target, target_method, parameters in targets
        }
    return document_


schema = schemathesis.openapi.from_dict(_linked(json.loads(json.dumps(document()))))
SCENARIOS = settings(
    max_examples=60,
    stateful_step_count=8,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def test_signed_in_scenarios(enrolled, fuzz_cases):
    bearer = Bearer()
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")

    class Scenario(schema.as_state_machine()):
        def call(self, case, **kwargs):
            fuzz_cases.count()
            return case_send(client, case, bearer.live())

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Scenario.run(settings=SCENARIOS)
