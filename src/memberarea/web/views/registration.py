"""Registration pages (REG-1..6): three steps over the same flow functions the API uses.

The browser's flow id lives in its session, never in a URL. Each view reads the form, calls one flow
function, and either moves on (POST-redirect-GET) or shows the page again with the error's fields.
An expired or finished flow sends the member back to step 1 with a message.
"""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from memberarea.core.errors import CAPTCHA_INVALID, CAPTCHA_REQUIRED, MemberAreaError, choice_parse
from memberarea.core.form_pages import form_page
from memberarea.core.network import client_address
from memberarea.enrollment.models import DocumentType
from memberarea.identity.errors import LINK_OFFERED, flow_id_parse
from memberarea.identity.flows.registration.complete import registration_complete
from memberarea.identity.flows.registration.details import (
    AddressInput,
    registration_code_resend,
    registration_code_verify,
    registration_details_submit,
)
from memberarea.identity.flows.registration.identify import registration_start
from memberarea.identity.flows.registration.link import (
    registration_link_complete,
    registration_link_password,
    registration_pending_link,
)
from memberarea.identity.flows.registration.state import (
    registration_get,
    registration_pending_channels,
    registration_summary,
)
from memberarea.identity.models import CodeChannel, FlowKind, RegistrationState
from memberarea.identity.sign_in import sign_in_finish
from memberarea.privacy.notices import notice_acknowledge_at_registration

FLOW_KEY = "registration_flow"
CAPTCHA_KEY = "registration_captcha"
BROWSER = FlowKind.BROWSER
STEP_URLS: dict[str, str] = {
    RegistrationState.IDENTIFIED: "register-details",
    RegistrationState.VERIFYING: "register-verify",
    RegistrationState.READY: "register-password",
    RegistrationState.LINKING: "register-link",
}


def _page(request, template: str, context: dict | None = None, error: MemberAreaError | None = None):
    return form_page(request, f"web/registration/{template}", context, error)


def with_flow(*states: str):
    """Load the session's flow in one of `states`, or send the member back to the right step."""

    def decorate(view):
        @wraps(view)
        def wrapper(request):
            try:
                current = registration_get(flow_id=flow_id_parse(request.session.get(FLOW_KEY, "")), kind=BROWSER)
            except MemberAreaError:
                if request.session.pop(FLOW_KEY, None):
                    messages.warning(request, _("Your registration expired after 30 minutes. Please start again."))
                return redirect("register")
            if current.state not in states:
                return redirect(STEP_URLS[current.state])
            return view(request, current)

        return wrapper

    return decorate


@require_http_methods(["GET", "POST"])
def identify(request):
    """Step 1: the three enrollment facts (REG-1), and the captcha once failures pile up."""
    values = {name: request.POST.get(name, "") for name in ("member_number", "date_of_birth", "policy_number")}
    if request.method == "GET":
        return _page(request, "identify.html", {"values": values, "captcha": request.session.get(CAPTCHA_KEY)})
    try:
        started = registration_start(
            **values,
            captcha=request.POST.get("altcha"),
            address=client_address(request),
            kind=BROWSER,
            language=request.LANGUAGE_CODE,
        )
    except MemberAreaError as error:
        if error.error in (CAPTCHA_REQUIRED, CAPTCHA_INVALID):
            request.session[CAPTCHA_KEY] = True
        context = {"values": values, "captcha": request.session.get(CAPTCHA_KEY)}
        return _page(request, "identify.html", context, error)
    request.session.cycle_key()
    request.session[FLOW_KEY] = str(started.pk)
    return redirect("register-details")


@require_http_methods(["GET", "POST"])
@with_flow(RegistrationState.IDENTIFIED, RegistrationState.VERIFYING, RegistrationState.LINKING)
def details(request, current):
    """Step 2: the contacts on record, masked; changes; the identity document (REG-3)."""
    context = {
        "summary": registration_summary(current),
        "document_types": DocumentType.choices,
        "values": request.POST,
        "flow": current,
    }
    if request.method == "GET":
        return _page(request, "details.html", context)
    post = request.POST
    address = None
    if post.get("change_address"):
        address = AddressInput(
            **{name: post.get(f"address_{name}", "") for name in ("line1", "line2", "postal_code", "city", "province")},
            country=post.get("address_country", "ES"),
        )
    try:
        pending = registration_details_submit(
            flow_id=current.pk,
            kind=BROWSER,
            document_type=post.get("document_type", ""),
            document_number=post.get("document_number", ""),
            document_country=post.get("document_country", ""),
            email=post.get("email") if post.get("change_email") else None,
            phone=post.get("phone") if post.get("change_phone") else None,
            address=address,
        )
    except MemberAreaError as error:
        if error.error == LINK_OFFERED:
            return redirect("register-link")
        return _page(request, "details.html", context, error)
    return redirect("register-verify" if pending else "register-password")


@require_http_methods(["GET", "POST"])
@with_flow(RegistrationState.VERIFYING)
def verify(request, current):
    """The codes sent to the new contacts (REG-4); one form per channel, with "send a new code"."""
    context = {"pending": registration_pending_channels(current), "flow": current}
    if request.method == "GET":
        return _page(request, "verify.html", context)
    channel = request.POST.get("channel", "")
    try:
        parsed = choice_parse(channel, CodeChannel, field="channel", message=_("No code is waiting on this channel."))
        if "resend" in request.POST:
            registration_code_resend(flow_id=current.pk, kind=BROWSER, channel=parsed)
            messages.success(request, _("We have sent you a new code."))
            return redirect("register-verify")
        pending = registration_code_verify(
            flow_id=current.pk, kind=BROWSER, channel=parsed, code=request.POST.get("code", "")
        )
    except MemberAreaError as error:
        return _page(request, "verify.html", {**context, "error_channel": channel}, error)
    return redirect("register-verify" if pending else "register-password")


@require_http_methods(["GET", "POST"])
@with_flow(RegistrationState.READY)
def password(request, current):
    """Step 3 (REG-5): the password; then the account exists and this browser is signed in."""
    if request.method == "GET":
        return _page(request, "password.html", {"flow": current})
    try:
        account = registration_complete(flow_id=current.pk, kind=BROWSER, password=request.POST.get("password", ""))
    except MemberAreaError as error:
        return _page(request, "password.html", {"flow": current}, error)
    notice_acknowledge_at_registration(account=account)  # the page links the notice in force (PRIV-1)
    return _finish(request, account)


@require_http_methods(["GET", "POST"])
@with_flow(RegistrationState.LINKING)
def link(request, current):
    """A re-joiner's document already has an account (REG-2): its password, then a code, then the link."""
    code_sent = bool(registration_pending_link(current))
    if request.method == "GET":
        return _page(request, "link.html", {"code_sent": code_sent})
    try:
        if "code" in request.POST:
            account = registration_link_complete(flow_id=current.pk, kind=BROWSER, code=request.POST.get("code", ""))
        else:
            registration_link_password(flow_id=current.pk, kind=BROWSER, password=request.POST.get("password", ""))
            return redirect("register-link")
    except MemberAreaError as error:
        return _page(request, "link.html", {"code_sent": code_sent}, error)
    return _finish(request, account)


def _finish(request, account):
    """Sign the new member in; the browser they registered with becomes a known device (LOGIN-6)."""
    request.session.pop(FLOW_KEY, None)
    request.session.pop(CAPTCHA_KEY, None)
    response = redirect("register-done")
    sign_in_finish(request=request, account=account, response=response)
    return response


def done(request):
    if not request.user.is_authenticated:
        return redirect("register")
    return render(request, "web/registration/done.html")
