"""The privacy centre's landing, preferences, consent history and receipts (PRIV-2, PRIV-3, PRIV-5,
PRIV-12), and /.well-known/gpc.json. Thin: the rules are in `memberarea.privacy`.

Preferences act for the member chosen in the member selector, through the one access check: a
member the account may not act for is the ordinary 404 page; a guardian's minor gets a page that
explains why there is nothing to choose. Every form is a plain POST, so it works without JavaScript.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from memberarea.core.errors import MemberAreaError
from memberarea.core.form_pages import form_page
from memberarea.members.access import members_for
from memberarea.members.selectors import member_area_access, member_choices
from memberarea.privacy.consent import consent_set
from memberarea.privacy.errors import MINOR_NO_CHOICES
from memberarea.privacy.gpc import gpc_signal
from memberarea.privacy.models import ConsentMethod, DocumentKind
from memberarea.privacy.preferences import choices_allowed, switches_of, switches_parse
from memberarea.privacy.receipts import receipt_of
from memberarea.privacy.selectors import consent_history

SAVED = "preferences-saved"  # the confirmation's tag, so pages and tests can tell it


@login_required
@require_GET
def centre(request):
    return render(request, "web/privacy/centre.html", {"documents": list(DocumentKind)})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request, member_id: uuid.UUID | None = None):
    """/privacy/preferences/ acts for the account's own membership; /privacy/preferences/<id>/ for the
    member chosen in the selector."""
    if member_id is None:
        reachable = members_for(request.user)
        if not reachable:
            raise Http404
        member_id = reachable[0].membership.pk
    try:
        granted = member_area_access(actor=request.user, member_id=member_id)
    except MemberAreaError:
        raise Http404 from None
    gpc = gpc_signal(request)
    context = {
        "member_name": granted.membership.first_name,
        "choices": member_choices(actor=request.user, current=granted.membership),
        "selector_target": "privacy-preferences-member",
        "gpc": gpc,
    }
    try:
        choices_allowed(granted)
    except MemberAreaError:
        return render(request, "web/privacy/preferences_minor.html", {**context, "reason": MINOR_NO_CHOICES.message})
    if request.method == "POST":
        try:
            changes = switches_parse(request.POST)
        except MemberAreaError as error:
            return form_page(request, "web/privacy/preferences.html", _form(request, context, error), error)
        written = consent_set(
            account=request.user,
            changes=changes,
            method=ConsentMethod.WEB_FORM,
            language=request.LANGUAGE_CODE,
            gpc=gpc,
        )
        messages.success(request, _saved_message(len(written)), extra_tags=SAVED)
        return redirect(request.path)
    return form_page(request, "web/privacy/preferences.html", _form(request, context))


def _form(request, context: dict, error: MemberAreaError | None = None) -> dict:
    """The switches as they stand, each with the messages of a refused submit (one error shape, UI-2)."""
    fields = error.fields if error else {}
    switches = [{**switch, "errors": fields.get(switch["purpose"], [])} for switch in switches_of(account=request.user)]
    return {**context, "switches": switches}


def _saved_message(changed: int) -> str:
    if not changed:
        return _("Nothing changed: your choices were already these.")
    return ngettext(
        "Your choices are saved: %(count)d change recorded.",
        "Your choices are saved: %(count)d changes recorded.",
        changed,
    ) % {"count": changed}


@login_required
@require_GET
def consents(request):
    return render(request, "web/privacy/consents.html", {"records": consent_history(account=request.user)})


@login_required
@require_GET
def receipt(request, receipt_id: uuid.UUID):
    try:
        document = receipt_of(account=request.user, receipt_id=receipt_id)
    except MemberAreaError:
        raise Http404 from None
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="consent-receipt-{receipt_id}.json"'
    return response


@require_GET
def gpc_json(request):
    """The site's statement that it honours Global Privacy Control (the GPC specification's well-known file)."""
    return JsonResponse({"gpc": True, "lastUpdate": settings.PRIVACY_GPC_LAST_UPDATE})
