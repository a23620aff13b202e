"""The OpenAPI document tells the truth about the server (issue 15, defect 4; API-1).

- every `$ref` resolves inside the document;
- no two models share a name (a later one used to overwrite an earlier one: registration's
  /password and /link required `current_password`, /verify lost `channel`, /me's items were
  described with the dashboard's member fields);
- a request made from the document alone — every field present, each string at the longest the
  document allows, in the format or pattern it states — is never refused with `invalid`: a limit
  the server applies is a limit the document states.
"""

import json
import typing
from collections.abc import Callable, Iterator

import pytest
from hypothesis import find
from hypothesis import strategies as st
from pydantic import BaseModel

from memberarea.api.router import api as product_api
from tests.api.answers import document
from tests.api.schemas import REF_PREFIX, body_from, request_schema, resolved
from tests.api.test_every_declared_error import _operations, _reachable

pytestmark = [pytest.mark.django_db, pytest.mark.req("API-1")]

UNBOUNDED = 1_000  # a string the document does not bound is sent this long
FORMATS = {"date": "1985-03-12", "email": "nueva@example.org", "date-time": "2026-03-02T09:30:00Z"}


def _references(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" or (key == "mapping" and isinstance(value, dict)):
                yield from [value] if key == "$ref" else value.values()
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def test_every_reference_resolves():
    components = document()["components"]["schemas"]
    references = set(_references(document()))
    assert references
    broken = {ref for ref in references if not ref.startswith(REF_PREFIX) or ref[len(REF_PREFIX) :] not in components}
    assert not broken, broken


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation.__module__.startswith("memberarea."):
            yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
    for argument in typing.get_args(annotation):
        yield from _models(argument)


def test_no_two_models_share_a_name():
    by_name: dict[str, set[type]] = {}
    for operation in product_api.operations().values():
        wrappers = [*operation.models, *(operation.response_models or {}).values()]
        for model in (found for wrapper in wrappers for found in _models(wrapper)):
            by_name.setdefault(model.__name__, set()).add(model)
    assert len(by_name) > 20
    shared = {name: sorted(f"{m.__module__}.{m.__qualname__}" for m in models) for name, models in by_name.items()}
    assert {name: models for name, models in shared.items() if len(models) > 1} == {}


def _documented_text(schema: dict) -> str:
    """A string the schema allows: its value, its first example, its format, the smallest match of
    its pattern, or else the longest it allows (deterministic)."""
    if "enum" in schema or "const" in schema:
        return schema.get("enum", [schema.get("const")])[0]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    longest = schema.get("maxLength", UNBOUNDED)
    if "pattern" in schema:
        return find(
            st.from_regex(schema["pattern"], fullmatch=True), lambda text: len(text) >= schema.get("minLength", 0)
        )
    return "a" * longest


def _live_registration(w) -> tuple[str, str, str]:
    return "post", f"/registration/{w.registration()}/details", ""


def _fresh_token(name: str) -> Callable:
    def reach(w) -> tuple[str, str, str]:
        method, path, _ = _reachable(w, name)
        return method, path, w.token()

    return reach


# Operations whose own checks run only on a live flow or a fresh session: reached that way.
LIVE = {
    "POST /api/v1/registration/{flow_id}/details": _live_registration,
    "PUT /api/v1/me/contact": _fresh_token("PUT /api/v1/me/contact"),
    "PUT /api/v1/me/password": _fresh_token("PUT /api/v1/me/password"),
}


def _with_body() -> list[str]:
    return sorted(name for name, (_, _, operation) in _operations().items() if request_schema(operation))


@pytest.mark.parametrize("name", _with_body())
def test_a_request_made_from_the_document_is_not_refused_as_invalid(world, name):
    method, path, bearer = LIVE.get(name, lambda w: _reachable(w, name))(world)
    body = body_from(request_schema(_operations()[name][2]), _documented_text)
    response = world.call(method, path, body, token=bearer)
    answer = json.loads(response.content or b"{}")
    assert answer.get("error", {}).get("code") != "invalid", (json.dumps(body)[:300], answer)


def test_me_and_its_members_are_described_as_returned(world, member_account):
    """GET /me's items used to be described with the dashboard's member fields (name, member_number, …)."""
    me = world.call("get", "/me", token=world.token()).json()
    answers = document()["paths"]["/api/v1/me"]["get"]["responses"]
    schema = resolved(answers[200]["content"]["application/json"]["schema"])
    item = resolved(schema["properties"]["members"]["items"])
    assert set(me) == set(schema["properties"]) and set(me["members"][0]) == set(item["properties"])
