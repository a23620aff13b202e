"""One error shape for the whole API: {"error": {"code", "message", "fields"}} (API-1)."""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.functional import Promise
from ninja import Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.errors import HttpError as NinjaHttpError
from ninja.parser import Parser

from memberarea.core import errors
from memberarea.core.errors import MemberAreaError
from memberarea.core.text import text_check

STATUS_CODES = {
    400: errors.INVALID,
    401: errors.UNAUTHENTICATED,
    403: errors.FORBIDDEN,
    404: errors.NOT_FOUND,
    405: errors.METHOD_NOT_ALLOWED,
    413: errors.PAYLOAD_TOO_LARGE,
    415: errors.UNSUPPORTED_MEDIA_TYPE,
    429: errors.RATE_LIMITED,
}


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorResponse(Schema):
    error: ErrorBody


def _field_errors(exc: ValidationError) -> dict[str, list[str | Promise]]:
    fields: dict[str, list[str | Promise]] = {}
    for problem in exc.errors:
        location = [str(part) for part in problem.get("loc", ()) if part not in ("body", "payload", "query", "path")]
        name = ".".join(location) or "__all__"
        fields.setdefault(name, []).append(str(errors.INVALID.message))
    return fields


class JsonParser(Parser):
    """Bodies are JSON: another declared content type is `unsupported_media_type` (415), not a guess.
    Every string in the body, at any depth, follows the text rule (core/text.py): `invalid` on its field."""

    def parse_body(self, request):
        if request.content_type != "application/json":
            raise MemberAreaError(errors.UNSUPPORTED_MEDIA_TYPE)
        data = super().parse_body(request)
        text_check(data)
        return data


def install(api) -> None:
    def render(request, error: MemberAreaError):
        return api.create_response(request, error.as_payload(), status=error.status)

    def http_error(request, exc: NinjaHttpError):
        if isinstance(exc.__cause__, MemberAreaError):  # raised by the parser, wrapped by django-ninja
            return render(request, exc.__cause__)
        return render(request, MemberAreaError(STATUS_CODES.get(exc.status_code, errors.INVALID)))

    api.parser = JsonParser()

    api.add_exception_handler(MemberAreaError, render)
    api.add_exception_handler(
        ValidationError,
        lambda request, exc: render(request, MemberAreaError(errors.INVALID, fields=_field_errors(exc))),
    )
    api.add_exception_handler(
        AuthenticationError, lambda request, exc: render(request, MemberAreaError(errors.UNAUTHENTICATED))
    )
    api.add_exception_handler(Http404, lambda request, exc: render(request, MemberAreaError(errors.NOT_FOUND)))
    api.add_exception_handler(NinjaHttpError, http_error)
    api.add_exception_handler(
        RequestDataTooBig, lambda request, exc: render(request, MemberAreaError(errors.PAYLOAD_TOO_LARGE))
    )
