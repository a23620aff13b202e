"""Sign-in pages (LOGIN-1..4, LOGIN-6): password, then the second step by code or by the email's link.

The flow id and a random browser binding live in the session: the binding is what lets the email's
link work only in the browser that started. Email-link views store the token in the session and
redirect to a token-free address before rendering anything.
"""

import secrets

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from memberarea.core.errors import CAPTCHA_INVALID, CAPTCHA_REQUIRED, MemberAreaError, choice_parse
from memberarea.core.form_pages import form_page
from memberarea.core.network import client_address
from memberarea.identity.devices import device_presented, trusted_device_valid
from memberarea.identity.errors import flow_id_parse
from memberarea.identity.flows import login
from memberarea.identity.models import CodeChannel, FlowKind, LoginState
from memberarea.identity.sign_in import sign_in_finish

from .privacy_documents import after_sign_in

FLOW_KEY = "login_flow"
BINDING_KEY = "login_binding"
CAPTCHA_KEY = "login_captcha"
LINK_KEY = "login_link"
NEXT_KEY = "login_next"
BROWSER = FlowKind.BROWSER
DEFAULT_NEXT = "members"  # the member area: the dashboard of the member themself


def _page(request, template: str, context: dict | None = None, error: MemberAreaError | None = None):
    return form_page(request, f"web/sign_in/{template}", context, error)


def _binding(request) -> str:
    if BINDING_KEY not in request.session:
        request.session[BINDING_KEY] = secrets.token_urlsafe(32)
    return request.session[BINDING_KEY]


def _safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Document and password (LOGIN-1), the captcha once failures pile up (LOGIN-4)."""
    if request.method == "GET":
        request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next", ""))
        return _page(request, "password.html", {"username": "", "captcha": request.session.get(CAPTCHA_KEY)})
    username = request.POST.get("username", "")
    try:
        flow = login.login_start(
            username=username,
            password=request.POST.get("password", ""),
            captcha=request.POST.get("altcha"),
            address=client_address(request),
            kind=BROWSER,
            browser_binding=_binding(request),
            device=device_presented(request, app=False),
        )
    except MemberAreaError as error:
        if error.error in (CAPTCHA_REQUIRED, CAPTCHA_INVALID):
            request.session[CAPTCHA_KEY] = True
        context = {"username": username, "captcha": request.session.get(CAPTCHA_KEY)}
        return _page(request, "password.html", context, error)
    request.session[FLOW_KEY] = str(flow.pk)
    if trusted_device_valid(request, flow.account):
        return _signed_in(request, login.login_complete_on_trusted_device(flow), trust=False)
    return redirect("sign-in-code")


def _current(request):
    try:
        return login.login_get(flow_id=flow_id_parse(request.session.get(FLOW_KEY, "")), kind=BROWSER)
    except MemberAreaError:
        return None


@require_http_methods(["GET", "POST"])
def code(request):
    """Choose email or SMS (masked), then type the code; resend and switching channel (LOGIN-2, LOGIN-3)."""
    flow = _current(request)
    if flow is None:
        if request.session.pop(FLOW_KEY, None):
            messages.warning(request, _("Your sign-in took too long. Please start again."))
        return redirect("sign-in")
    context = {"flow": flow, "channels": login.login_channels(flow), "sent": flow.state == LoginState.CODE_SENT}
    if request.method == "GET":
        return _page(request, "code.html", context)
    try:
        if "channel" in request.POST:
            channel = choice_parse(
                request.POST["channel"], CodeChannel, field="channel", message=_("Choose one of the ways offered.")
            )
            login.login_send(flow_id=flow.pk, kind=BROWSER, channel=channel)
            return redirect("sign-in-code")
        completed = login.login_verify(flow_id=flow.pk, kind=BROWSER, code=request.POST.get("code", ""))
    except MemberAreaError as error:
        return _page(request, "code.html", context, error)
    return _signed_in(request, completed, trust=bool(request.POST.get("trust_device")))


def link_open(request, token: str):
    """The email's link: keep the token in the session and move to a token-free address."""
    request.session[LINK_KEY] = token
    return redirect("sign-in-link-page")


@require_http_methods(["GET", "POST"])
def link_page(request):
    """GET shows, POST acts (mail scanners follow links); only in the browser that started."""
    token = request.session.get(LINK_KEY, "")
    flow = login.login_link_flow(token)
    if flow is None:
        return render(request, "web/sign_in/link_invalid.html", status=410)
    same_browser = login.login_binding_matches(flow, request.session.get(BINDING_KEY, ""))
    if request.method == "GET" or not same_browser:
        return render(request, "web/sign_in/link.html", {"same_browser": same_browser})
    try:
        completed = login.login_link_use(token=token, browser_binding=request.session.get(BINDING_KEY, ""))
    except MemberAreaError:
        return render(request, "web/sign_in/link_invalid.html", status=410)
    request.session.pop(LINK_KEY, None)
    return _signed_in(request, completed, trust=False)


def _signed_in(request, flow, *, trust: bool):
    account = flow.account
    target = request.session.get(NEXT_KEY) or None
    for key in (FLOW_KEY, BINDING_KEY, CAPTCHA_KEY, NEXT_KEY):
        request.session.pop(key, None)
    response = redirect(after_sign_in(account, target or ("backoffice:home" if account.is_staff else DEFAULT_NEXT)))
    sign_in_finish(request=request, account=account, response=response, trust_device=trust)
    return response
