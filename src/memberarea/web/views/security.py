""" "This was not me" (PRIV-13): the link from a notice, then a page, then the POST that freezes.

The link's token goes into the session and the browser is sent on to a token-free address before
anything is rendered, so the token never sits in the history, a Referer header or a screenshot.
"""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from memberarea.identity.freeze import account_freeze, not_me_account
from memberarea.identity.models import SecurityCase

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
