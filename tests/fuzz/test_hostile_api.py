"""Hostile values in every field and path parameter of every API operation (REL-1, issue 15).

The fields come from the OpenAPI document, not a list: each leaf of an operation's request body (a
body made from the document, every property present) and each path parameter is given each value of
tests/fuzz/hostile.py in turn, and each operation gets the hostile whole bodies. Every answer is below
500 and every error is the documented `ErrorBody` with a code the operation declares (the API tests'
middleware). Complements tests/api/test_hostile_text.py, which checks the exact answer to a
surrogate in each string field.
"""

import json
from collections.abc import Iterator

import pytest

from memberarea.core.errors import REGISTRY
from tests.api.schemas import body_from, request_schema
from tests.api.test_every_declared_error import World, _operations, _reachable
from tests.api.test_openapi_truth import _documented_text
from tests.fuzz.hostile import BODIES, DEEP, ESCAPED, VALUES, with_duplicate_key

pytestmark = [pytest.mark.django_db, pytest.mark.req("REL-1"), pytest.mark.req("API-1")]

MARK = "\x1ehostile\x1e"


def _leaves(value: object, path: tuple = ()) -> Iterator[tuple]:
    """The path of every value in the body that is not itself an object or a list (and of empty ones)."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    children = list(children)
    if not children:
        yield path
    for key, child in children:
        yield from _leaves(child, (*path, key))


def _replaced(body: object, path: tuple, fragment: str) -> bytes:
    """The body as JSON with the value at `path` replaced by a raw JSON fragment."""
    if not path:
        return fragment.encode("utf-8", "surrogatepass")
    copy = json.loads(json.dumps(body))
    holder = copy
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = MARK
    return json.dumps(copy).replace(json.dumps(MARK), fragment).encode("utf-8", "surrogatepass")


def _answered_cleanly(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.content[:300]!r}"
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), what
        body = json.loads(response.content)
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, (what, body)
        assert body["error"]["code"] in REGISTRY and body["error"]["message"], (what, body)


def _requests(world: World, name: str) -> Iterator[tuple[str, str, str, bytes]]:
    """(what, method, path, body) for every hostile request of the operation."""
    method, path, _ = _reachable(world, name)
    template = _operations()[name][1].removeprefix("/api/v1")
    schema = request_schema(_operations()[name][2])
    body = body_from(schema, _documented_text) if schema else {}
    raw = json.dumps(body).encode() if schema else b""
    template_segments, segments = template.split("/"), path.split("/")
    for index, segment in enumerate(template_segments):
        if segment.startswith("{"):
            for label, escaped in ESCAPED.items():
                concrete = "/".join([*segments[:index], escaped, *segments[index + 1 :]])
                yield f"path {segment[1:-1]} = {label}", method, concrete, raw
    if schema:
        for leaf in _leaves(body):
            for label, fragment in VALUES.items():
                yield (
                    f"field {'.'.join(map(str, leaf)) or '(body)'} = {label}",
                    method,
                    path,
                    _replaced(body, leaf, fragment),
                )
        duplicate = with_duplicate_key(body)
        if duplicate:
            yield "duplicate key", method, path, duplicate
    for label, whole in BODIES.items():
        yield f"body = {label}", method, path, whole


@pytest.mark.parametrize("name", sorted(_operations()))
def test_every_field_and_parameter_takes_every_hostile_value_without_a_5xx(world, name, fuzz_cases):
    bearer = _reachable(world, name)[2]
    for what, method, path, body in _requests(world, name):
        fuzz_cases.count()
        response = (
            world.call(method, path, body, token=bearer) if method != "get" else world.call(method, path, token=bearer)
        )
        _answered_cleanly(response, f"{name} {what}")


@pytest.mark.parametrize("depth", [400, 600, 800, 900, 990, DEEP, 100 * DEEP])
def test_a_deeply_nested_enrollment_batch_is_invalid_not_a_server_error(world, token, depth):
    """The enrollment door reads its own body (to name undecodable bytes): nesting past the JSON
    parser's recursion limit used to escape as a RecursionError, a 500 (found by the test above)."""
    body = '{"batch_id": "b-1", "records": ' + "[" * depth + "]" * depth + "}"
    response = world.call("post", "/enrollment/batches", body, token=token)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid", response.content[:200]


def test_no_operation_reads_a_query_string():
    """The API's inputs are its paths and JSON bodies: the text rule for query strings covers pages
    only (core/middleware.py). An operation that starts reading a query parameter must bring it
    under the rule first."""
    parameters = [
        (name, parameter["name"])
        for name, (_, _, operation) in _operations().items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] != "path"
    ]
    assert parameters == []


@pytest.mark.parametrize("name", sorted(_operations()))
def test_a_hostile_query_string_is_ignored_like_any_unknown_parameter(world, name, fuzz_cases):
    """Query parameters no operation declares used to be checked by the pages' text rule: NUL answered
    400 `invalid` from operations that declare no such code (GET /brand, DELETE /sessions …)."""
    method, path, bearer = _reachable(world, name)
    schema = request_schema(_operations()[name][2])
    body = body_from(schema, _documented_text) if schema else None
    for label, escaped in ESCAPED.items():
        fuzz_cases.count()
        response = world.call(method, f"{path}?q={escaped}", body, token=bearer)
        _answered_cleanly(response, f"{name} ?q = {label}")
        if response.status_code == 400:
            assert "q" not in response.json()["error"]["fields"], (label, response.content)
