"""The API's error shape for answers made outside django-ninja's exception handlers (API-1), and
its caching rule.

An unknown path under /api/ is answered by Django's 404 page and a wrong method by ninja's bare
"Method not allowed"; both reach the app as HTML or text. This middleware gives them the same
`{"error": {"code", "message", "fields"}}` body as every other API error, in the request's language.
"""

from django.conf import settings
from django.http import JsonResponse

from memberarea.core.errors import MemberAreaError

from .errors import STATUS_CODES

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After")


class ApiErrorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = STATUS_CODES.get(response.status_code)
        if (
            error is None
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        shaped = JsonResponse(MemberAreaError(error).as_payload(), status=response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                shaped[header] = response[header]
        return shaped


class ApiNoStoreMiddleware:
    """`Cache-Control: no-store` on every API answer but the OpenAPI document, the public description
    of the API (decision 0028).

    Most answers carry personal data or tokens (/me, /members/…, /sessions, /token/refresh, every
    sign-in and registration step), errors may name fields, and the rest is cheap to recompute:
    one rule for the whole API leaves no operation to forget.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and request.path != settings.API_DOCUMENT_PATH:
            response["Cache-Control"] = "no-store"
        return response
