"""Unsubscribing from marketing without signing in (PRIV-4): the link of an email or an SMS.

GET shows what the link stands for and a button; POST withdraws that one purpose; a second POST only
says it is already done. The email link's POST is CSRF-exempt on purpose: RFC 8058 one-click
unsubscribe has mail clients POST `List-Unsubscribe=One-Click` to it with no page, cookie or token,
and the signed link itself is the authority (a forger would need it). The SMS short link is only
used through its page, so its form keeps Django's CSRF check. See docs/privacy.md.
"""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from memberarea.privacy.unsubscribe import (
    Unsubscription,
    unsubscribe_confirm,
    unsubscribe_given,
    unsubscribe_link_read,
    unsubscribe_short_read,
)


@csrf_exempt  # RFC 8058 one-click POST from mail clients; GET was never CSRF-checked (see above)
@require_http_methods(["GET", "POST"])
def unsubscribe_link(request, token: str):
    return _page(request, unsubscribe_link_read(token))


@require_http_methods(["GET", "POST"])
def unsubscribe_short(request, code: str):
    return _page(request, unsubscribe_short_read(code))


def _page(request, unsubscription: Unsubscription | None):
    if unsubscription is None:
        days = {"link_days": settings.PRIVACY_UNSUBSCRIBE_LINK_DAYS}
        return render(request, "web/privacy/unsubscribe_invalid.html", days, status=400)
    context = {"purpose": unsubscription.purpose}
    if request.method == "GET":
        return render(request, "web/privacy/unsubscribe.html", {**context, "given": unsubscribe_given(unsubscription)})
    withdrawn = unsubscribe_confirm(unsubscription=unsubscription, language=request.LANGUAGE_CODE)
    return render(request, "web/privacy/unsubscribe_done.html", {**context, "withdrawn_now": withdrawn})
