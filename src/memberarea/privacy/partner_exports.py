"""The privacy officer's side of the partner export (PRIV-9): start one for a configured partner, list
them, download a built file while it lasts. The building is `privacy.partners.partner_export_build`,
run by the background task; only privacy officers reach any of this (BO-1)."""

import uuid

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import FORBIDDEN, NOT_FOUND, MemberAreaError
from memberarea.core.models import StoredFile
from memberarea.identity.models import Account, Role

from .errors import PARTNER_EXPORT_NOT_READY
from .models import PartnerExport, PartnerExportState
from .partners import partner_get, partners
from .tasks import partner_export_task


def _require_officer(actor: Account) -> None:
    if not actor.has_role(Role.PRIVACY_OFFICER):
        raise MemberAreaError(FORBIDDEN)


def partner_export_start(*, actor: Account, partner_id: str) -> PartnerExport:
    """Queue an export for a configured partner; the task builds it (`partner_export_build`)."""
    _require_officer(actor)
    partner = partner_get(partner_id)
    with transaction.atomic():
        export = PartnerExport.objects.create(partner=partner.id, requested_by=actor, requested_at=clock.now())
        audit_record(
            event="privacy.partner_export_started",
            actor_id=str(actor.pk),
            data={"export": str(export.pk), "partner": partner.id},
        )
        transaction.on_commit(lambda: partner_export_task.enqueue(str(export.pk)), robust=True)
    return export


def partner_exports() -> list[tuple[PartnerExport, str]]:
    """The newest 50 exports, each with its partner's name (its id when no longer configured)."""
    names = {partner.id: partner.name for partner in partners()}
    exports = PartnerExport.objects.select_related("file")[:50]
    return [(export, names.get(export.partner, export.partner)) for export in exports]


def partner_export_file(*, actor: Account, export_id: uuid.UUID) -> tuple[PartnerExport, File]:
    """The file of a built export that has not expired, for a privacy officer; the download is audited."""
    _require_officer(actor)
    export = PartnerExport.objects.select_related("file").filter(pk=export_id).first()
    if export is None:
        raise MemberAreaError(NOT_FOUND)
    stored: StoredFile | None = export.file
    if export.state != PartnerExportState.READY or stored is None or stored.expires_at <= clock.now():
        raise MemberAreaError(PARTNER_EXPORT_NOT_READY)
    with transaction.atomic():
        audit_record(
            event="privacy.partner_export_downloaded",
            actor_id=str(actor.pk),
            data={"export": str(export.pk), "partner": export.partner},
        )
    return export, default_storage.open(stored.name)
