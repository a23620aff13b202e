""" "This was not me" and "my account may be compromised" (PRIV-13): a page, then the POST that freezes.

"Not me" comes from the link in a notice: its token goes into the session and the browser is sent on
to a token-free address before anything is rendered, so the token never sits in the history, a Referer
header or a screenshot. "Compromised" is for a signed-in member (privacy centre, account page). Neither
asks for a step-up: whoever fears someone else holds the account must be able to pull the alarm with
what they have, and the alarm only locks the account (recovery, with its own checks, opens it again).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from memberarea.core.errors import INVALID, MemberAreaError
from memberarea.core.form_pages import form_page
from memberarea.identity.freeze import account_freeze, not_me_account
from memberarea.identity.models import SecurityCase
from memberarea.identity.sessions import browser_session_end

LINK_KEY = "not_me_link"  # the session key holding the link until its page is shown


def not_me_link(request, token: str):
    request.session[LINK_KEY] = token
    return redirect("not-me")


@require_http_methods(["GET", "POST"])
def not_me(request):
    account = not_me_account(request.session.get(LINK_KEY, ""))
    if account is None:
        return render(request, "web/security/not_me_invalid.html", status=400)
    if request.method == "GET":
        return render(request, "web/security/not_me.html")
    account_freeze(account=account, reason=SecurityCase.Reason.NOT_ME, actor_id=str(account.pk))
    request.session.pop(LINK_KEY, None)
    return render(request, "web/security/not_me_done.html")


@login_required
@require_http_methods(["GET", "POST"])
def security_concern(request):
    """Freeze the signed-in account: every session (this one too), app token and trusted device ends.

    The box to tick keeps a stray click (or a crawler) from locking the account by accident.
    """
    if request.method == "GET":
        return form_page(request, "web/security/concern.html")
    if request.POST.get("confirm") != "yes":
        error = MemberAreaError(
            INVALID, fields={"confirm": [_("Tick the box to confirm that you want to lock your account.")]}
        )
        return form_page(request, "web/security/concern.html", error=error)
    account_freeze(account=request.user, reason=SecurityCase.Reason.COMPROMISED, actor_id=str(request.user.pk))
    browser_session_end(request=request)
    return render(request, "web/security/not_me_done.html")
