"""Export jobs and their single-use download links (PRIV-8, PERF-6); the services are in exports.py.

Kept apart from models.py (already near 400 lines); models.py imports this module so Django finds
the models. The file itself lives in encrypted storage (core.StoredFile) with the job's expiry.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from memberarea.core import datamap
from memberarea.core.datamap import ACTIVITY, CREDENTIAL, GENERATED, ONLINE_IDENTIFIER, SERVICE, NotPersonal, Personal


class ExportKind(models.TextChoices):
    ACCESS = "access", _("A copy of your data (readable page and JSON)")
    PORTABILITY = "portability", _("Your data to take elsewhere (JSON and CSV)")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be prepared")
    EXPIRED = "expired", _("Expired and deleted")


class ExportJob(models.Model):
    """One export of one person's data, asked for by one account (oneself, or a guardian for a minor)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("enrollment.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ExportKind.choices)
    reference = models.CharField(max_length=100, blank=True, db_index=True, help_text="the rights request, if any")
    language = models.CharField(max_length=8)
    state = models.CharField(max_length=8, choices=ExportState.choices, default=ExportState.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file_size = models.PositiveBigIntegerField(default=0)
    error_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["account", "person", "created_at"], name="privacy_export_by_owner")]

    def __str__(self) -> str:
        return f"{self.kind} export {self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        """Progress as a whole percentage: rows written over rows to write (100 once ready)."""
        if self.state == ExportState.READY:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.state in (ExportState.READY, ExportState.FAILED, ExportState.EXPIRED)


class DownloadLink(models.Model):
    """A single-use, expiring link to a job's file, bound to the account it was issued to.

    Only the token's hash is stored; the token itself is in the link the account was given."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="links")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"download link {self.pk}"


_EXPORT_ACTIVITY = Personal(ACTIVITY, GENERATED, [SERVICE], note="when the member asked for a copy of their data")
datamap.declare(
    ExportJob,
    id=NotPersonal("random job id"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SERVICE], note="the account that asked for the export"),
    person=Personal(ONLINE_IDENTIFIER, GENERATED, [SERVICE], note="whose data was exported"),
    kind=_EXPORT_ACTIVITY,
    reference=NotPersonal("id of the rights request that started it"),
    language=NotPersonal("language of the readable page"),
    state=NotPersonal("progress bookkeeping"),
    rows_total=NotPersonal("progress bookkeeping"),
    rows_done=NotPersonal("progress bookkeeping"),
    file=NotPersonal("pointer to the encrypted file, deleted at expiry with it"),
    file_size=NotPersonal("size of the file"),
    error_code=NotPersonal("short error code"),
    created_at=_EXPORT_ACTIVITY,
    started_at=NotPersonal("progress bookkeeping"),
    finished_at=NotPersonal("progress bookkeeping"),
    expires_at=NotPersonal("when the file is deleted"),
)
datamap.declare(
    DownloadLink,
    id=NotPersonal("random link id"),
    job=NotPersonal("the export it opens"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SERVICE], note="the only account that may open it"),
    token_hash=Personal(CREDENTIAL, GENERATED, [SERVICE], note="SHA-256 of the link's random token"),
    created_at=Personal(ACTIVITY, GENERATED, [SERVICE]),
    expires_at=NotPersonal("validity of the link"),
    used_at=Personal(ACTIVITY, GENERATED, [SERVICE], note="when the copy was downloaded"),
)
datamap.subject(ExportJob, "person", "account__person")
datamap.subject(DownloadLink, "job__person", "account__person")
