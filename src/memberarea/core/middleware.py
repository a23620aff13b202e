"""Request ids for logs and responses, and the headers django-csp and Django do not set."""

import re
import uuid

from django.conf import settings

from .logging import bind_request_id, unbind_request_id
from .views import health, ready

_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestIdMiddleware:
    """Takes a well-formed X-Request-ID from the proxy or makes one; binds it for every log line."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _ACCEPTED_ID.match(incoming) else uuid.uuid4().hex
        token = bind_request_id(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            unbind_request_id(token)
        response["X-Request-ID"] = request.request_id
        return response


class ProbeMiddleware:
    """Answers /health and /ready before the session and authentication layers.

    A probe that carries a session cookie must not load a session or a user: liveness never
    depends on the database, and readiness checks exactly what it names.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.probes = {"/health": health, "/ready": ready}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        return probe(request) if probe else self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.setdefault("Cache-Control", "no-store")  # personal pages never sit in shared caches
        return response
