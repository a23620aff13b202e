"""The partner export pages (PRIV-9, BO-1): a privacy officer starts an export for a configured partner,
sees its progress and downloads the file while it lasts. Thin views over `privacy.partner_exports`;
no page shows a member, only counts."""

import uuid

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from memberarea.core import clock
from memberarea.core.errors import NOT_FOUND, MemberAreaError
from memberarea.identity.models import Role
from memberarea.privacy.partner_exports import partner_export_file, partner_export_start, partner_exports
from memberarea.privacy.partners import partners

from .views import staff_page, staff_required


def _page(request, error: MemberAreaError | None = None):
    context = {"partners": partners(), "exports": partner_exports(), "now": clock.now()}
    return staff_page(request, "partner_exports.html", context, error)


@staff_required(Role.PRIVACY_OFFICER)
@require_http_methods(["GET", "POST"])
def partner_exports_page(request):
    if request.method == "GET":
        return _page(request)
    try:
        partner_export_start(actor=request.user, partner_id=request.POST.get("partner", ""))
    except MemberAreaError as error:
        return _page(request, error)
    messages.success(request, _("The export has been started. Reload this page to see when its file is ready."))
    return redirect("backoffice:partner-exports")


@staff_required(Role.PRIVACY_OFFICER)
@require_GET
def partner_export_download(request, export_id: uuid.UUID):
    try:
        export, content = partner_export_file(actor=request.user, export_id=export_id)
    except MemberAreaError as error:
        if error.code == NOT_FOUND.code:
            raise Http404 from None
        return _page(request, error)
    response = FileResponse(content, as_attachment=True, filename=f"partner-{export.partner}-{export.pk}.csv")
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["Cache-Control"] = "no-store"
    return response
