"""Errors with stable codes. A code never changes meaning; its message is translated at render time.

Views render a MemberAreaError as a form error, the API as {"error": {"code", "message", "fields"}}.
Each app defines its codes with `ErrorCode(...)` in its own `errors.py` (the kernel's are here), imported by
its AppConfig.ready(); tests/core/test_error_modules.py fails on a code defined anywhere else.
"""

import enum
import typing
import uuid
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Choice = typing.TypeVar("Choice", bound=enum.Enum)


@dataclass(frozen=True)
class ErrorCode:
    code: str
    message: str | Promise
    status: int

    def __post_init__(self) -> None:
        existing = REGISTRY.get(self.code)
        if existing is not None and existing != self:
            raise ValueError(f"error code {self.code!r} is already registered differently")
        REGISTRY[self.code] = self


REGISTRY: dict[str, ErrorCode] = {}

INVALID = ErrorCode("invalid", _("Some of the information is not valid. Please check the fields marked."), 400)
UNAUTHENTICATED = ErrorCode("unauthenticated", _("Please sign in to continue."), 401)
FORBIDDEN = ErrorCode("forbidden", _("You do not have permission to do this."), 403)
NOT_FOUND = ErrorCode("not_found", _("We could not find what you asked for."), 404)
METHOD_NOT_ALLOWED = ErrorCode("method_not_allowed", _("This address does not accept this kind of request."), 405)
RATE_LIMITED = ErrorCode("rate_limited", _("Too many attempts. Please wait a few minutes and try again."), 429)
PAYLOAD_TOO_LARGE = ErrorCode("payload_too_large", _("The request is too large."), 413)
UNSUPPORTED_MEDIA_TYPE = ErrorCode("unsupported_media_type", _("Send the request as JSON."), 415)
SERVICE_UNAVAILABLE = ErrorCode(
    "service_unavailable", _("The service is briefly unavailable. Please try again in a few minutes."), 503
)
SERVER_ERROR = ErrorCode("server_error", _("Something went wrong on our side. Please try again later."), 500)

# The captcha's codes (core/captcha.py raises them).
CAPTCHA_REQUIRED = ErrorCode("captcha_required", _("Please complete the check that shows you are a person."), 400)
CAPTCHA_INVALID = ErrorCode("captcha_invalid", _("The check did not pass or has expired. Please try it again."), 400)


@dataclass
class MemberAreaError(Exception):
    """Raised by services; carries a registered code and optional per-field messages."""

    error: ErrorCode
    fields: dict[str, list[str | Promise]] = field(default_factory=dict)
    detail: str | Promise | None = None

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def status(self) -> int:
        return self.error.status

    @property
    def message(self) -> str:
        return str(self.detail or self.error.message)

    def as_payload(self) -> dict:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "fields": {name: [str(m) for m in messages] for name, messages in self.fields.items()},
            }
        }

    def __str__(self) -> str:
        return self.code


def id_parse(value: object, *, unknown: ErrorCode = NOT_FOUND) -> uuid.UUID:
    """An id received at an edge (a URL, a session, a body) as a UUID; anything else raises `unknown`,
    the error an unknown id gets, so a malformed id tells nothing more than a wrong one."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise MemberAreaError(unknown) from None


def choice_parse(value: object, choices: type[Choice], *, field: str, message: str | Promise) -> Choice:
    """A choice received at an edge (a form, a body) as its enum; anything else is `invalid` on `field`
    with `message`, the answer the service gave for a choice it did not offer."""
    try:
        return choices(value)
    except ValueError:
        raise MemberAreaError(INVALID, fields={field: [message]}) from None
