"""The cookie banner's answers and the cookie settings page (PRIV-6, PRIV-2): plain forms, no JavaScript.

The banner on every page and this page post here; the answer goes into the browser's signed cookie
and, when it changed, into a consent record (the account's too when signed in), then the browser
goes back to the page it came from.
"""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from memberarea.core.errors import INVALID, MemberAreaError
from memberarea.core.form_pages import form_page
from memberarea.privacy.consent import visitor_consent_set
from memberarea.privacy.cookies import (
    cookie_choice_make,
    cookie_choice_read,
    cookie_choice_store,
    essential_cookies,
    gpc_signal,
)
from memberarea.privacy.models import ConsentPurpose
from memberarea.privacy.selectors import choices_current

from .redirects import next_same_site

ANSWERS = {"accept": True, "reject": False}  # "save" takes the page's checkbox instead


def _analytics_accepted(request) -> bool | None:
    """What this browser (and, signed in, the account) answered: None when the browser has not."""
    choice = cookie_choice_read(request)
    if choice is None:
        return None
    if choice.analytics and request.user.is_authenticated:
        current = choices_current(account=request.user)[ConsentPurpose.ANALYTICS]
        return bool(current and current.given)
    return choice.analytics


def _first_page(request, target: str) -> str:
    """Where the visitor came from: the footer's "Cookie settings" link on this page names this page as
    `next`, so a `next` that is this page gives way to its own."""
    target = next_same_site(request, target)
    here = reverse("cookie-choices")
    while urlsplit(target).path == here:
        target = next_same_site(request, parse_qs(urlsplit(target).query).get("next", [""])[0])
    return target


@require_http_methods(["GET", "POST"])
def cookie_choices(request):
    if not settings.ANALYTICS_ENABLED:
        raise Http404  # no optional cookie, nothing to choose: the banner and this page do not exist
    target = _first_page(request, request.POST.get("next") or request.GET.get("next", ""))
    answer = request.POST.get("choice", "")
    if request.method == "POST" and (answer in ANSWERS or answer == "save"):
        analytics = ANSWERS.get(answer, request.POST.get("analytics") == "yes")
        choice = cookie_choice_make(request, analytics=analytics)
        visitor_consent_set(
            consent_id=choice.consent_id,
            analytics=analytics,
            language=request.LANGUAGE_CODE,
            gpc=gpc_signal(request),
            account=request.user if request.user.is_authenticated else None,
        )
        response = redirect(target)
        cookie_choice_store(response, choice)
        return response
    context = {"accepted": _analytics_accepted(request), "essential": essential_cookies(), "next": target}
    error = MemberAreaError(INVALID) if request.method == "POST" else None
    return form_page(request, "web/privacy/cookie_choices.html", context, error)
