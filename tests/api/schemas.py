"""Reading the OpenAPI document's schemas in tests: references, and bodies made from a schema."""

from collections.abc import Callable

from tests.api.answers import document

REF_PREFIX = "#/components/schemas/"


def resolved(schema: dict) -> dict:
    """The schema itself, or the component its `$ref` names (KeyError when it names none)."""
    while "$ref" in schema:
        reference = schema["$ref"]
        assert reference.startswith(REF_PREFIX), f"{reference} points outside #/components/schemas/"
        schema = document()["components"]["schemas"][reference.removeprefix(REF_PREFIX)]
    return schema


def request_schema(operation: dict) -> dict | None:
    body = operation.get("requestBody")
    return body["content"]["application/json"]["schema"] if body else None


def body_from(schema: dict, text: Callable[[dict], str]) -> object:
    """A value for `schema`: every property present (optional ones too), each string from `text`."""
    schema = resolved(schema)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        chosen = resolved(next(o for o in options if resolved(o).get("type") != "null"))
        outer = {key: value for key, value in schema.items() if key not in ("anyOf", "oneOf")}
        return body_from({**outer, **chosen}, text)  # a field's format or examples sit beside anyOf
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: body_from(value, text) for name, value in schema.get("properties", {}).items()}
    if kind == "array":
        return [body_from(schema["items"], text)]
    if kind == "boolean":
        return True
    if kind == "integer":
        return schema.get("minimum", 1)
    return text(schema)
