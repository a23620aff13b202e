"""The privacy centre's rights requests (PRIV-8): the member's requests with their state, deadline and
progress, and a form for each kind — for oneself, or as guardian for a minor (the minor's data only).

Thin: the access check is `members.access`, the work `privacy.requests`. Making a request needs a second
step within the last 10 minutes (LOGIN-9): the form sends a stale session through /account/confirm/
and back. Anyone else's member id is the ordinary 404.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from memberarea.core.errors import MemberAreaError
from memberarea.core.form_pages import form_page
from memberarea.members import selectors
from memberarea.privacy.models import ConsentMethod
from memberarea.privacy.request_models import RequestKind
from memberarea.privacy.requests.corrections import CORRECTABLE
from memberarea.privacy.requests.queue import privacy_centre_member, request_result, requests_of_member, zip_response
from memberarea.privacy.requests.workflow import request_make

from .account import step_up_detour

KIND_SLUGS = {kind.value.replace("_", "-"): kind for kind in RequestKind}


def _member(request, member_id: uuid.UUID):
    try:
        return selectors.member_area_access(actor=request.user, member_id=member_id)
    except MemberAreaError:
        raise Http404 from None


@login_required
@require_GET
def requests_home(request):
    """/privacy/requests/ → the signed-in member's own requests (members of ended policies too, for a while)."""
    membership = privacy_centre_member(request.user)
    if membership is None:
        return redirect("backoffice:home" if request.user.is_staff else "account")
    return redirect("privacy-requests", member_id=membership.pk)


@login_required
@require_GET
def requests_page(request, member_id: uuid.UUID):
    try:
        access, rows = requests_of_member(actor=request.user, member_id=member_id)
    except MemberAreaError:
        raise Http404 from None
    context = {
        "requests": rows,
        "kinds": [
            (slug, kind.label, kind in (RequestKind.OBJECTION, RequestKind.RESTRICTION))
            for slug, kind in KIND_SLUGS.items()
        ],
        "for_minor": access.relation == "guardian",
        "member_name": selectors.member_name(access.membership),
        "member_id": access.membership.pk,
        "choices": selectors.member_choices(actor=request.user, current=access.membership),
        "selector_target": "privacy-requests",
    }
    return render(request, "web/privacy/requests.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request, member_id: uuid.UUID, kind: str):
    if kind not in KIND_SLUGS:
        raise Http404
    access = _member(request, member_id)
    if (detour := step_up_detour(request)) is not None:
        return detour
    request_kind = KIND_SLUGS[kind]
    context = {
        "kind": request_kind,
        "fields": {name: label for name, (label, _longest) in CORRECTABLE.items()},
        "for_minor": access.relation == "guardian",
        "member_name": selectors.member_name(access.membership),
        "member_id": access.membership.pk,
        "values": request.POST,
    }
    if request.method == "GET":
        return form_page(request, "web/privacy/request_new.html", context)
    try:
        request_make(
            actor=request.user,
            session=getattr(request, "session_record", None),
            member_id=access.membership.pk,
            kind=request_kind,
            method=ConsentMethod.WEB_FORM,
            correction={name: request.POST.get(name, "") for name in CORRECTABLE},
        )
    except MemberAreaError as error:
        if error.code == "reauthentication_required":
            return step_up_detour(request)
        return form_page(request, "web/privacy/request_new.html", context, error)
    messages.success(request, _("Your request has been sent. We have emailed you a confirmation with the deadline."))
    return redirect("privacy-requests", member_id=access.membership.pk)


@login_required
@require_GET
def request_download(request, member_id: uuid.UUID, request_id: uuid.UUID):
    """The result of an access or portability request, streamed through a single-use link spent at once."""
    try:
        name, chunks = request_result(actor=request.user, member_id=member_id, request_id=request_id)
    except MemberAreaError as error:
        if error.code == "not_found":
            raise Http404 from None
        messages.error(request, str(error.message))
        return redirect("privacy-requests", member_id=member_id)
    return zip_response(name, chunks)
