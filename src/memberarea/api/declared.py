"""Each API operation declares, once, the error codes it answers; the OpenAPI document is derived from it.

    @router.post("/login", response={201: LoginOut}, summary=…)
    @raises("invalid_credentials", "captcha_required", ("rate_limited", "too many failures"))
    def login(request, payload: LoginIn): …

Codes are strings (the ErrorCode registry is the one source of their status and message); a pair
(code, note) also says when it happens. Codes every operation of a kind answers are added by one rule
(`common_codes`), never declared: `server_error` and `service_unavailable` everywhere; `invalid`,
`payload_too_large` and `unsupported_media_type` on an operation with a JSON body; `unauthenticated`
on one that needs a token. `check` runs when the API is built: an operation without a declaration,
an unknown code or a repeated common code stops the start-up.

The OpenAPI document gets, per operation, one response per error status, with the error shape and
the codes of that status in its description and in `x-error-codes`.
"""

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from ninja.operation import Operation

from memberarea.core.errors import REGISTRY

ATTRIBUTE = "declared_error_codes"
EVERYWHERE = ("server_error", "service_unavailable")
WITH_BODY = ("invalid", "payload_too_large", "unsupported_media_type")
AUTHENTICATED = ("unauthenticated",)
BODY_SOURCES = {"body", "form", "file"}
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorResponse"}

View = TypeVar("View", bound=Callable[..., Any])


def raises(*codes: str | tuple[str, str]) -> Callable[[View], View]:
    """Declare the codes an operation answers besides the common ones, each a code or (code, note)."""
    declared = dict(code if isinstance(code, tuple) else (code, "") for code in codes)

    def declare(view: View) -> View:
        setattr(view, ATTRIBUTE, declared)
        return view

    return declare


def _has_body(operation: Operation) -> bool:
    from_models = any(model.__ninja_param_source__ in BODY_SOURCES for model in operation.models)
    return from_models or "requestBody" in (operation.openapi_extra or {})


def common_codes(operation: Operation) -> tuple[str, ...]:
    """The codes the one rule adds to an operation, from what it is: its body, its authentication."""
    codes: tuple[str, ...] = EVERYWHERE
    if _has_body(operation):
        codes += WITH_BODY
    if operation.auth_callbacks:
        codes += AUTHENTICATED
    return codes


def operation_codes(operation: Operation) -> dict[str, str]:
    """Every code the operation answers, with its explanation ("" when none): declared plus common."""
    declared: dict[str, str] = getattr(operation.view_func, ATTRIBUTE)
    return {code: "" for code in common_codes(operation)} | declared


def _problems(name: str, operation: Operation) -> Iterator[str]:
    declared = getattr(operation.view_func, ATTRIBUTE, None)
    if declared is None:
        yield f"{name} declares no error codes (decorate it with @raises(…))"
        return
    for code in declared:
        if code not in REGISTRY:
            yield f"{name} declares {code!r}, which is no registered ErrorCode"
        elif code in common_codes(operation):
            yield f"{name} declares {code!r}, which the common rule already adds"


def check(operations: dict[str, Operation]) -> None:
    """Refuse to build an API whose operations declare nothing, an unknown code or a common one."""
    problems = [problem for name, operation in operations.items() for problem in _problems(name, operation)]
    if problems:
        raise ImproperlyConfigured("API error declarations: " + "; ".join(problems))


def _description(codes: dict[str, str]) -> str:
    parts = [f"`{code}`" + (f" ({note})" if note else "") for code, note in codes.items()]
    return "Error: " + ", ".join(parts) + "."


def error_responses(codes: dict[str, str]) -> dict[str, dict]:
    """One OpenAPI response per status, each with the error shape and the codes of that status."""
    by_status: dict[int, dict[str, str]] = {}
    for code, note in sorted(codes.items(), key=lambda item: (REGISTRY[item[0]].status, item[0])):
        by_status.setdefault(REGISTRY[code].status, {})[code] = note
    return {
        str(status): {
            "description": _description(group),
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
            "x-error-codes": list(group),
        }
        for status, group in by_status.items()
    }
