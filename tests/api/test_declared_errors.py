"""Error codes declared once per operation (API-1): checked when the API is built, and the OpenAPI
document derived from the declarations and from the ErrorCode definitions in the source."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Router, Schema

from memberarea.api import declared
from memberarea.api.router import MemberAreaAPI
from tests.api.answers import declared_codes, document

pytestmark = pytest.mark.req("API-1")

SOURCE = Path(__file__).resolve().parents[2] / "src" / "memberarea"


class NameIn(Schema):
    name: str


def _build(*codes) -> None:
    """An API with one operation declaring `codes` (None: no declaration), checked as the product's is."""
    router = Router()

    def operation(request, payload: NameIn):
        return {}

    if codes != (None,):
        operation = declared.raises(*codes)(operation)
    router.post("/thing")(operation)
    api = MemberAreaAPI(urls_namespace="declared-probe", docs_url=None)
    api.add_router("", router)
    declared.check(api.operations())


def test_a_known_code_builds():
    _build("no_match", ("rate_limited", "too often"))


@pytest.mark.parametrize(
    ("codes", "problem"),
    [
        (("no_such_code",), "'no_such_code', which is no registered ErrorCode"),
        ((None,), "declares no error codes"),
        (("invalid",), "'invalid', which the common rule already adds"),
        ((("server_error", "again"),), "'server_error', which the common rule already adds"),
    ],
    ids=["unknown", "undeclared", "common body code", "common code"],
)
def test_a_wrong_declaration_stops_the_build(codes, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        _build(*codes)


def _defined_in_source() -> dict[str, int]:
    """Every `ErrorCode("code", message, status)` written under src/, found by reading the code."""
    found: dict[str, int] = {}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            name = getattr(node, "func", None)
            if isinstance(node, ast.Call) and getattr(name, "id", getattr(name, "attr", None)) == "ErrorCode":
                arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
                code, status = arguments[0], arguments[2]
                assert isinstance(code, ast.Constant) and isinstance(status, ast.Constant), ast.dump(node)
                assert code.value not in found, f"{code.value} is defined twice"
                found[code.value] = status.value
    return found


def test_the_catalogue_is_every_error_code_defined_in_the_source():
    source = _defined_in_source()
    listed = {entry["code"]: entry["status"] for entry in document()["info"]["x-error-codes"]}
    assert listed == source
    assert len(source) > 30 and {"invalid", "token_reused", "link_invalid", "captcha_required"} <= set(source)


def test_each_operation_declares_only_catalogued_codes_under_their_status():
    source = _defined_in_source()
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            for status, codes in declared_codes(operation).items():
                assert {source[code] for code in codes} == {int(status)}, (method, path, status)
                answer = operation["responses"][status]
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
                assert all(f"`{code}`" in answer["description"] for code in codes)
            assert "Errors:" not in operation.get("description", ""), (method, path)


def test_the_common_codes_follow_the_operation():
    paths = document()["paths"]
    captcha = declared_codes(paths["/api/v1/captcha"]["get"])
    assert captcha == {"500": {"server_error"}, "503": {"service_unavailable"}}
    language = declared_codes(paths["/api/v1/me/language"]["put"])
    assert language == {
        "400": {"invalid"}, "401": {"unauthenticated"}, "413": {"payload_too_large"},
        "415": {"unsupported_media_type"}, "500": {"server_error"}, "503": {"service_unavailable"},
    }  # fmt: skip
    assert "401" not in declared_codes(paths["/api/v1/login"]["post"])
    error_body = document()["components"]["schemas"]["ErrorResponse"]["properties"]["error"]
    assert error_body == {"$ref": "#/components/schemas/ErrorBody"}
