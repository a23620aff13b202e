"""Absolute links in emails and SMS: the one place that knows where members reach the portal.

Production names it (`PUBLIC_BASE_URL`, required there). A demo without it follows the origin
actually served: the request being answered when there is one, else the origin the web server last
answered on (recorded in the var directory, so the worker process builds the same links), else the
default of `make run`.
"""

import contextvars
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

DEMO_DEFAULT_ORIGIN = "http://127.0.0.1:8000"
_ORIGIN_FILE = "served-origin"

_request_origin: contextvars.ContextVar[str] = contextvars.ContextVar("memberarea_request_origin", default="")
_recorded = {"origin": ""}  # what this process last wrote, so the file is written once per origin


def public_base_url() -> str:
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL.rstrip("/")
    if settings.DEMO_MODE:
        return _request_origin.get() or _origin_file_read() or DEMO_DEFAULT_ORIGIN
    return DEMO_DEFAULT_ORIGIN


def public_url(path: str) -> str:
    """`path` (starting with "/") on the portal's public origin."""
    return public_base_url() + path


def public_url_of(view_name: str, *args: object) -> str:
    return public_url(reverse(view_name, args=args or None))


def register_url() -> str:
    return settings.ENROLLMENT_REGISTER_URL or public_url_of("register")


def sign_in_url() -> str:
    return settings.ENROLLMENT_SIGN_IN_URL or public_url_of("sign-in")


def _origin_path() -> Path:
    return Path(settings.VAR_DIR) / _ORIGIN_FILE


def _origin_file_read() -> str:
    try:
        return _origin_path().read_text().strip()
    except OSError:
        return ""


def _origin_file_write(origin: str) -> None:
    if _recorded["origin"] == origin:
        return
    try:
        _origin_path().write_text(origin + "\n")
    except OSError:
        return  # a read-only var directory: links fall back to the default
    _recorded["origin"] = origin


class PublicOriginMiddleware:
    """Demo mode without PUBLIC_BASE_URL: links queued while answering a request carry its origin."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if settings.PUBLIC_BASE_URL or not settings.DEMO_MODE:
            return self.get_response(request)
        origin = f"{request.scheme}://{request.get_host()}"
        _origin_file_write(origin)
        token = _request_origin.set(origin)
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)


def outside_anchor(url: str, text: str) -> SafeString:
    """A link to another site, marked as such for every reader (PRIV-15): a visible arrow, words for a
    screen reader, and no opener or referrer handed to the other site. Pages (the `outside_link` tag)
    and published documents use this one form."""
    return format_html(
        '<a href="{}" class="outside" rel="noopener noreferrer">{}<span class="outside-marker" aria-hidden="true">'
        ' ↗</span><span class="visually-hidden"> {}</span></a>',
        url,
        text,
        _("(opens another site)"),
    )
