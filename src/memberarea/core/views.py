"""Liveness, readiness and the outage page.

Outages: any database or Redis connection error, raised anywhere in a request (a view, the session
or authentication middleware), reaches Django's 500 handler; `server_error` recognises it and
answers 503 with Retry-After instead. CONN_HEALTH_CHECKS makes the next request reconnect, so the
site recovers by itself once the service is back.
"""

import sys

import redis
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .brand import brand
from .errors import SERVER_ERROR, SERVICE_UNAVAILABLE, MemberAreaError
from .redis_connection import redis_client

RETRY_AFTER_SECONDS = 30


def _outage_errors() -> tuple[type[BaseException], ...]:

    return (OperationalError, InterfaceError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def is_outage(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, _outage_errors()):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _error_response(request, error, template_name: str) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(MemberAreaError(error).as_payload(), status=error.status)
    else:
        body = loader.get_template(template_name).render({"brand": brand(), "error": error})
        response = HttpResponse(body, status=error.status)
    response["Cache-Control"] = "no-store"
    return response


def bad_input(request, error: MemberAreaError) -> HttpResponse:
    """A request refused before its view (the text rule): the error shape under /api/, else a page
    in the site's layout with the field messages."""
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_payload(), status=error.status)
    message = " ".join(dict.fromkeys(str(text) for texts in error.fields.values() for text in texts))
    return render(request, "web/errors/400.html", {"message": message or error.message}, status=error.status)


def server_error(request) -> HttpResponse:
    """handler500: a clean 503 for an outage, the generic error page otherwise. Touches no database."""
    if is_outage(sys.exc_info()[1]):
        response = _error_response(request, SERVICE_UNAVAILABLE, "web/errors/503.html")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _error_response(request, SERVER_ERROR, "web/errors/500.html")


@never_cache
@require_safe
def health(request) -> JsonResponse:
    """Liveness: the process answers. Orchestrators restart it when this fails."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request) -> JsonResponse:
    """Readiness: the database (and Redis when configured) answer. Proxies stop routing when not."""
    checks: dict[str, str] = {}
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
    if settings.REDIS_URL:
        try:
            redis_client().ping()
            checks["redis"] = "ok"
        except _outage_errors():
            checks["redis"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
    if not healthy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
