"""Shared ways to read the API's answers in tests: the error shape, and the codes the document declares."""

import re
from functools import cache
from importlib import import_module

from django.conf import settings

from memberarea.api.router import api as product_api

PREFIX = "/api/v1/"


def error(response, status: int, code: str) -> dict:
    """The response is the error shape with this status and code and a message; answers its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["code"] == code and body["error"]["message"], body
    return body["error"]


@cache
def document() -> dict:
    """The product's OpenAPI document, as /api/v1/openapi.json serves it (with every URL's module loaded)."""
    import_module(settings.ROOT_URLCONF)
    return product_api.get_openapi_schema(path_prefix=PREFIX)


def declared_codes(operation: dict) -> dict[str, set[str]]:
    """An operation's error codes by status, as its responses declare them."""
    responses = operation["responses"].items()
    return {status: set(answer["x-error-codes"]) for status, answer in responses if str(status)[0] in "45"}


@cache
def _templates() -> list[tuple[re.Pattern, str]]:
    return [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path) for path in document()["paths"]]


def operation_for(method: str, path: str) -> tuple[str, dict] | None:
    """The documented operation a request reaches, as ("METHOD /path", operation), or None."""
    for pattern, template in _templates():
        if pattern.match(path):
            operation = document()["paths"][template].get(method.lower())
            return (f"{method.upper()} {template}", operation) if operation else None
    return None
