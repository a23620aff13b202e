"""Password recovery and the forgotten username (REC-1..4, LOGIN-8): thin pages over the flow functions.

The link's token goes into the session (under a new session id) and the browser is sent on to the
token-free /password-reset/new/ before anything is rendered, so the token never sits in the history
or a Referer header; that page's GET only shows the form, its POST spends the link (mail scanners
follow links). Both requests end on one answer page, whatever the data named.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from memberarea.core.errors import MemberAreaError
from memberarea.core.form_pages import form_page
from memberarea.core.network import client_address
from memberarea.identity.errors import LINK_INVALID
from memberarea.identity.flows import recovery
from memberarea.identity.flows.username_reminder import username_reminder_request

LINK_KEY = "password_reset_link"  # the session key holding the link's token until the password is set
REMINDER_FIELDS = ("member_number", "policy_number", "date_of_birth")


def _page(request, template: str, context: dict | None = None, error: MemberAreaError | None = None):
    return form_page(request, f"web/recovery/{template}", context, error)


@require_http_methods(["GET", "POST"])
def request_link(request):
    """REC-1: the document and the captcha; then the same answer for everyone."""
    values = {"username": request.POST.get("username", "")}
    if request.method == "GET":
        return _page(request, "request.html", {"values": values})
    try:
        recovery.recovery_request(
            username=values["username"],
            captcha=request.POST.get("altcha"),
            address=client_address(request),
            language=request.LANGUAGE_CODE,
        )
    except MemberAreaError as error:
        return _page(request, "request.html", {"values": values}, error)
    return _page(request, "sent.html", {"reminder": False, "hours": settings.RECOVERY_LINK_HOURS})


@require_safe
def link(request, token: str):
    """The emailed link: keep the token in a fresh session and leave its address at once; never act."""
    request.session.cycle_key()
    request.session[LINK_KEY] = token
    return redirect("password-reset-new")


@require_http_methods(["GET", "POST"])
def new_password(request):
    """REC-2, REC-3: the new password, with the rules shown live; the POST spends the link."""
    token = request.session.get(LINK_KEY, "")
    try:
        recovery.recovery_link_get(token=token)
        if request.method == "GET":
            return _page(request, "new_password.html")
        recovery.recovery_complete(token=token, password=request.POST.get("password", ""))
    except MemberAreaError as error:
        if error.error != LINK_INVALID:
            return _page(request, "new_password.html", error=error)
        request.session.pop(LINK_KEY, None)
        return _page(request, "link_invalid.html", error=error)
    request.session.pop(LINK_KEY, None)
    return redirect("password-reset-done")


@require_safe
def done(request):
    return render(request, "web/recovery/done.html", {"sign_in_url": settings.LOGIN_URL})


@require_http_methods(["GET", "POST"])
def forgotten_username(request):
    """LOGIN-8: member number, policy number and date of birth; the answer goes by email, never on screen."""
    values = {name: request.POST.get(name, "") for name in REMINDER_FIELDS}
    if request.method == "GET":
        return _page(request, "username.html", {"values": values})
    try:
        username_reminder_request(
            **values,
            captcha=request.POST.get("altcha"),
            address=client_address(request),
            language=request.LANGUAGE_CODE,
        )
    except MemberAreaError as error:
        return _page(request, "username.html", {"values": values}, error)
    return _page(request, "sent.html", {"reminder": True})
