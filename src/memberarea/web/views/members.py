"""The member area's pages (GUARD-1, AREA-1, AREA-2): the dashboard and the card of the member chosen
in the URL. Thin: the access check and the data are in `memberarea.members`; anything the signed-in
account may not act for is the ordinary 404 page, so member ids cannot be probed."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from memberarea.core.errors import MemberAreaError
from memberarea.members import card, selectors
from memberarea.members.access import members_for


def own_member_redirect(request, target: str):
    """To `target` for the signed-in member's own membership (staff to the back office, others to the account)."""
    reachable = members_for(request.user)
    if not reachable:
        return redirect("backoffice:home" if request.user.is_staff else "account")
    return redirect(target, member_id=reachable[0].membership.pk)


@login_required
@require_GET
def members_home(request):
    """/members/ → the signed-in member's own dashboard (the account page when there is none)."""
    return own_member_redirect(request, "member-dashboard")


@login_required
@require_GET
def dashboard(request, member_id: uuid.UUID):
    try:
        data = selectors.member_dashboard(actor=request.user, member_id=member_id)
    except MemberAreaError:
        raise Http404 from None
    context = {**data, "choices": data["members"], "selector_target": "member-dashboard"}
    return render(request, "web/members/dashboard.html", context)


@login_required
@require_GET
def card_page(request, member_id: uuid.UUID):
    try:
        membership = selectors.member_area_access(actor=request.user, member_id=member_id).membership
    except MemberAreaError:
        raise Http404 from None
    context = {
        "card": card.card_data(membership),
        "choices": selectors.member_choices(actor=request.user, current=membership),
        "selector_target": "member-card",
    }
    return render(request, "web/members/card.html", context)


@login_required
@require_GET
def card_pdf(request, member_id: uuid.UUID):
    try:
        membership, content = card.card_download(actor=request.user, member_id=member_id, language=get_language())
    except MemberAreaError:
        raise Http404 from None
    return card.card_pdf_response(content, membership.member_number)
