"""Account pages: the profile, the step-up before sensitive changes (LOGIN-9), password and contacts.

Sensitive pages first check that this browser session proved the second step recently; if not, they
send the member to /account/confirm/ and come back afterwards.
"""

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from memberarea.core.errors import MemberAreaError, choice_parse
from memberarea.core.form_pages import form_page
from memberarea.identity import account_settings
from memberarea.identity.errors import flow_id_parse
from memberarea.identity.flows import login
from memberarea.identity.models import CodeChannel, FlowKind, LoginState, SessionRecord
from memberarea.identity.sessions import browser_session_renew
from memberarea.members.selectors import account_profile

BROWSER = FlowKind.BROWSER
STEP_UP_KEY = "step_up_flow"
CONTACT_KEY = "contact_change_flow"


def _session(request) -> SessionRecord | None:
    """This browser's live registry entry, as the session middleware found it."""
    return getattr(request, "session_record", None)


def _page(request, template: str, context: dict | None = None, error: MemberAreaError | None = None):
    return form_page(request, f"web/account/{template}", context, error)


def step_up_detour(request):
    """A redirect to the confirmation page when the session's second step is not fresh, else None."""
    if login.step_up_fresh(_session(request)):
        return None
    return redirect(f"{reverse('account-confirm')}?next={request.path}")


@login_required
def index(request):
    return _page(request, "index.html", {"profile": account_profile(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request):
    """Step-up (LOGIN-9): a code to a verified contact, then back to the sensitive page."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("account")
    try:
        flow = login.step_up_get(
            flow_id=flow_id_parse(request.session.get(STEP_UP_KEY, "")),
            session=_session(request),
            kind=BROWSER,
        )
    except MemberAreaError:
        session = _session(request)
        if session is None:  # signed out since (the registry ended the session): sign in again
            return redirect_to_login(request.get_full_path())
        flow = login.step_up_start(session=session, kind=BROWSER)
        request.session[STEP_UP_KEY] = str(flow.pk)
    context = {"flow": flow, "channels": login.login_channels(flow), "sent": flow.state == LoginState.CODE_SENT}
    if request.method == "GET":
        return _page(request, "confirm.html", context)
    try:
        if "channel" in request.POST:
            channel = choice_parse(
                request.POST["channel"], CodeChannel, field="channel", message=_("Choose one of the ways offered.")
            )
            login.step_up_send(flow_id=flow.pk, session=_session(request), kind=BROWSER, channel=channel)
            return redirect(f"{reverse('account-confirm')}?next={target}")
        login.step_up_verify(
            flow_id=flow.pk, session=_session(request), kind=BROWSER, code=request.POST.get("code", "")
        )
    except MemberAreaError as error:
        return _page(request, "confirm.html", context, error)
    request.session.pop(STEP_UP_KEY, None)
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def password(request):
    if (detour := step_up_detour(request)) is not None:
        return detour
    if request.method == "GET":
        return _page(request, "password.html", {})
    try:
        account_settings.account_password_change(
            account=request.user,
            session=_session(request),
            current_password=request.POST.get("current_password", ""),
            new_password=request.POST.get("password", ""),
        )
    except MemberAreaError as error:
        return _page(request, "password.html", {}, error)
    browser_session_renew(request=request, account=request.user)
    messages.success(
        request,
        _(
            "Your password has been changed. You are still signed in on this browser. Every other browser and app "
            "has been signed out, and every device you trusted will be asked for a code again."
        ),
    )
    return redirect("account")


@login_required
@require_http_methods(["GET", "POST"])
def contact(request):
    """A new email or mobile: the value, then the code sent to it."""
    if (detour := step_up_detour(request)) is not None:
        return detour
    pending = request.session.get(CONTACT_KEY)
    context = {"pending": pending, "values": request.POST}
    if request.method == "GET":
        return _page(request, "contact.html", context)
    try:
        if pending and "code" in request.POST:
            account_settings.account_contact_change_confirm(
                account=request.user,
                session=_session(request),
                flow_id=flow_id_parse(pending),
                kind=BROWSER,
                code=request.POST.get("code", ""),
            )
            request.session.pop(CONTACT_KEY, None)
            messages.success(request, _("Your contact details have been updated."))
            return redirect("account")
        flow = account_settings.account_contact_change_start(
            account=request.user,
            session=_session(request),
            # A channel that is not one reads as a contact that is not one, as the input takes either.
            channel=choice_parse(
                request.POST.get("channel", ""),
                CodeChannel,
                field="value",
                message=_("Enter a valid email address or mobile number."),
            ),
            value=request.POST.get("value", ""),
            kind=BROWSER,
        )
    except MemberAreaError as error:
        # One input takes either contact, so the service's "email" or "phone" errors are its own.
        fields = {"value" if name in ("email", "phone") else name: texts for name, texts in error.fields.items()}
        return _page(request, "contact.html", context, dataclasses.replace(error, fields=fields))
    request.session[CONTACT_KEY] = str(flow.pk)
    return redirect("account-contact")
