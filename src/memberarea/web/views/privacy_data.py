"""The privacy centre's "What we hold about you" (PRIV-7, PRIV-8): the data map's summary for the member
chosen in the selector — oneself, or a minor one is guardian of (the minor's data only). Thin: the access
check is `members.access` and the summary `privacy.holdings`; anyone else's id is the ordinary 404."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from memberarea.core.errors import MemberAreaError
from memberarea.members import selectors
from memberarea.privacy.holdings import holdings_summary

from .members import own_member_redirect


@login_required
@require_GET
def holdings_home(request):
    """/privacy/data/ → the signed-in member's own summary (the account page when there is none)."""
    return own_member_redirect(request, "privacy-data")


@login_required
@require_GET
def holdings_page(request, member_id: uuid.UUID):
    try:
        membership = selectors.member_area_access(actor=request.user, member_id=member_id).membership
    except MemberAreaError:
        raise Http404 from None
    context = {
        "summary": holdings_summary(membership.person),
        "member_name": selectors.member_name(membership),
        "member_id": membership.pk,
        "choices": selectors.member_choices(actor=request.user, current=membership),
        "selector_target": "privacy-data",
    }
    return render(request, "web/privacy/data.html", context)
