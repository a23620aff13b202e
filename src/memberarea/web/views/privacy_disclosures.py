"""The privacy centre's "Who saw or received my data" (PRIV-9, BO-4) and Shine the Light (PRIV-10), for
the member chosen in the selector: oneself, or a minor one is guardian of. Thin: the access check is
`members.access` (anyone else's id is the ordinary 404), the lists come from `privacy.disclosures`
and `privacy.shine_the_light`."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from memberarea.core.errors import MemberAreaError
from memberarea.members import selectors
from memberarea.privacy.disclosures import disclosures_of_member
from memberarea.privacy.shine_the_light import previous_year, shine_the_light_for, shine_the_light_pdf, year_parse

from .members import own_member_redirect


def _selector(request, membership, target: str) -> dict:
    """What every page of the member chosen carries: the member, and the selector's entries (GUARD-1)."""
    return {
        "member_id": str(membership.pk),
        "member_name": selectors.member_name(membership),
        "choices": selectors.member_choices(actor=request.user, current=membership),
        "selector_target": target,
    }


@login_required
@require_GET
def disclosures_home(request):
    """/privacy/disclosures/ → the signed-in member's own list (the account page when there is none)."""
    return own_member_redirect(request, "privacy-disclosures")


@login_required
@require_GET
def disclosures_page(request, member_id: uuid.UUID):
    try:
        membership, entries = disclosures_of_member(actor=request.user, member_id=member_id)
    except MemberAreaError:
        raise Http404 from None
    context = {"entries": entries, **_selector(request, membership, "privacy-disclosures")}
    return render(request, "web/privacy/disclosures.html", context)


def _year_asked(request) -> int:
    """The previous calendar year (what the law asks about) unless `?year=` names another one up to this
    year so far (an answered Shine the Light request links to the year it answered for)."""
    try:
        return year_parse(request.GET.get("year", ""))
    except MemberAreaError:
        return previous_year()


@login_required
@require_GET
def shine_the_light_home(request):
    return own_member_redirect(request, "privacy-shine-the-light")


@login_required
@require_GET
def shine_the_light_page(request, member_id: uuid.UUID):
    try:
        membership, answer = shine_the_light_for(actor=request.user, member_id=member_id, year=_year_asked(request))
    except MemberAreaError:
        raise Http404 from None
    context = {
        "years": [previous_year(), previous_year() + 1],
        "answer": answer,
        **_selector(request, membership, "privacy-shine-the-light"),
    }
    return render(request, "web/privacy/shine_the_light.html", context)


@login_required
@require_GET
def shine_the_light_pdf_download(request, member_id: uuid.UUID):
    try:
        membership, answer = shine_the_light_for(actor=request.user, member_id=member_id, year=_year_asked(request))
    except MemberAreaError:
        raise Http404 from None
    content = shine_the_light_pdf(answer, selectors.member_name(membership), get_language())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="shine-the-light-{answer["year"]}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
