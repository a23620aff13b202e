"""Request ids for logs and responses, and the headers django-csp and Django do not set."""

import re
import uuid

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import render

from .errors import MemberAreaError
from .logging import bind_request_id, unbind_request_id
from .text import text_check
from .views import bad_input, health, ready

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


class PageMethodsMiddleware:
    """The pages speak GET, HEAD and POST, the API's OpenAPI document GET and HEAD: any other method
    (TRACE, OPTIONS, PUT, an invented one) is 405 with `Allow` before a view or a login redirect is
    reached (issue 15). API operations have their own methods; the probes answer earlier."""

    PAGES = ("GET", "HEAD", "POST")
    DOCUMENT = ("GET", "HEAD")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path == settings.API_DOCUMENT_PATH:
            allowed: tuple[str, ...] | None = self.DOCUMENT
        else:
            allowed = None if request.path.startswith("/api/") else self.PAGES
        if allowed is not None and request.method not in allowed:
            return HttpResponseNotAllowed(allowed)
        return self.get_response(request)


class ButtonAddressMiddleware:
    """A page's POST-only address opened as a link (/sign-out/ from the history or a bookmark, a language
    button's address pasted) answers 405 with `Allow`, as Django's decorators say, but with a page in the
    visitor's language that tells what happened and the way back: the decorators' empty answer is shown by
    the browser as its own error page. Last in MIDDLEWARE, so the page gets the CSP and security headers.
    The API keeps its JSON 405; methods other than GET never reach a person's browser as a link."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method == "GET"
            and not request.path.startswith("/api/")
            and not response.content
        ):
            page = render(request, "web/errors/405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response


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


class TextInputMiddleware:
    """The text rule (core/text.py) for query strings and form fields, before any view reads them.

    A field with NUL (the one unacceptable character a browser's form can carry: it encodes text as
    UTF-8, and Django reads broken bytes as U+FFFD) answers 400 `invalid` naming the field. The API
    reads only its paths and JSON bodies (the JSON parser checks those): its query strings and form
    data are never read, so they are ignored here like any unknown parameter — refusing them would
    answer `invalid` from operations that declare no such code (decision 0038).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.path.startswith("/api/"):
            return None
        try:
            text_check({name: "".join(values) for name, values in request.GET.lists()})
            text_check({name: "".join(values) for name, values in request.POST.lists()})
        except MemberAreaError as error:
            return bad_input(request, error)
        return None
