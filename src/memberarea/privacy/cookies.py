"""The browser's cookie choice (PRIV-6) and the Global Privacy Control signal (PRIV-5), read from a request.

The choice lives in one first-party cookie, signed with the site's key so a browser cannot forge an
answer it never gave: whether analytics was accepted, and a random consent id that ties the
browser's successive answers together in the consent records (only its keyed hash is stored, as
`ConsentRecord.browser_key`). Reading it costs no query, so pages and the page-view counter ask it
for every request.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_SALT = "memberarea.privacy.cookie-choice"


@dataclass(frozen=True)
class CookieChoice:
    """What one browser answered: analytics accepted or not, under its random consent id."""

    analytics: bool
    consent_id: str


def essential_cookies() -> list[tuple[str, Promise]]:
    """The cookies the site needs to work, by the names this deployment gives them, with what each is for."""
    return [
        (settings.SESSION_COOKIE_NAME, _("Keeps you signed in, and remembers the steps of a form you are filling in.")),
        (settings.CSRF_COOKIE_NAME, _("Protects our forms from being sent by another website in your name.")),
        (settings.LANGUAGE_COOKIE_NAME, _("Remembers the language you chose.")),
        (
            settings.KNOWN_DEVICE_COOKIE,
            _("Recognises a browser that signed in before, so we can warn you of a sign-in from a new one."),
        ),
        (
            settings.TRUSTED_DEVICE_COOKIE,
            _("Only if you ask us to trust this device: skips the sign-in code on it for a while."),
        ),
        (settings.COOKIE_CHOICE_COOKIE, _("Remembers your answer about optional cookies, so we do not ask again.")),
    ]


def gpc_signal(request: HttpRequest) -> bool:
    """True only for `Sec-GPC: 1` exactly: "0", "true" or " 1" are not the signal (PRIV-5)."""
    return request.headers.get("Sec-GPC") == "1"


def cookie_choice_read(request: HttpRequest) -> CookieChoice | None:
    """The browser's answer, or None when it has not answered (or the cookie is not one we signed)."""
    raw = request.COOKIES.get(settings.COOKIE_CHOICE_COOKIE)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=_SALT, max_age=settings.COOKIE_CHOICE_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("a"), bool) or not isinstance(value.get("id"), str):
        return None
    return CookieChoice(analytics=value["a"], consent_id=value["id"])


def cookie_choice_make(request: HttpRequest, *, analytics: bool) -> CookieChoice:
    """The new answer, keeping the browser's consent id when it has one (its history stays one history)."""
    previous = cookie_choice_read(request)
    consent_id = previous.consent_id if previous else secrets.token_urlsafe(16)
    return CookieChoice(analytics=analytics, consent_id=consent_id)


def cookie_choice_store(response: HttpResponse, choice: CookieChoice) -> None:
    response.set_cookie(
        settings.COOKIE_CHOICE_COOKIE,
        signing.dumps({"a": choice.analytics, "id": choice.consent_id}, salt=_SALT),
        max_age=settings.COOKIE_CHOICE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,  # no script reads it: the server decides everything
        samesite="Lax",
    )


def cookie_banner_context(request: HttpRequest) -> dict:
    """For every page (a context processor): show the banner while analytics exists and the browser
    has not answered; and whether the Global Privacy Control signal is present, to say it is honoured."""
    banner = settings.ANALYTICS_ENABLED and cookie_choice_read(request) is None
    return {"cookie_banner": banner, "gpc_signal": gpc_signal(request)}
