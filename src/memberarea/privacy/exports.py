"""Export jobs and single-use download links (PRIV-8, PERF-6).

`export_job_start(account=…, person=…, kind=…, reference=…)` records a job for a person the caller has
already granted through the access check, and queues its task after commit. The task streams the
map-driven export (holdings.py) into a ZIP — access: `your-data.html` and `your-data.json`;
portability: `your-data.json` and one CSV per kind of record — and the ZIP straight into encrypted
storage: no plaintext file is ever written, and memory stays bounded whatever the member holds. The
job counts rows as it goes (rows done / rows total) so the member and the officer see progress; the
file expires after EXPORT_LIFETIME_DAYS and the periodic job deletes it.

`download_link_issue(job, account)` gives that account a single-use link that expires after
EXPORT_LINK_LIFETIME_MINUTES (never after the file); only the token's hash is stored.
`download_link_open(token, account)` spends it and returns the job to stream — refused for another
account (not found), after use and after expiry.
"""

import datetime as dt
import secrets
from collections.abc import Iterator

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import NOT_FOUND, MemberAreaError
from memberarea.enrollment.models import Person
from memberarea.enrollment.services import token_hash
from memberarea.identity.models import Account

from .errors import DOWNLOAD_LINK_EXPIRED, DOWNLOAD_LINK_USED, EXPORT_NOT_READY
from .export_build import OPEN_STATES
from .export_models import DownloadLink, ExportJob, ExportKind, ExportState
from .tasks import export_job_build_task


# --- starting and finding jobs ------------------------------------------------------------------------
def export_job_start(
    *, account: Account, person: Person, kind: str, reference: str = "", language: str = ""
) -> ExportJob:
    """A job for `person`'s data asked for by `account` (already granted by the access check), written
    in `language` — by default the language of the request that starts it, else the account's.

    An unfinished job of the same account, person, kind and reference is returned instead of a second one.
    """
    kind = ExportKind(kind)
    now = clock.now()
    with transaction.atomic():
        running = ExportJob.objects.filter(
            account=account, person=person, kind=kind, reference=reference, state__in=OPEN_STATES
        ).first()
        if running is not None:
            return running
        job = ExportJob.objects.create(
            account=account,
            person=person,
            kind=kind,
            reference=reference,
            language=language or translation.get_language() or account.language,
            created_at=now,
            expires_at=now + dt.timedelta(days=settings.EXPORT_LIFETIME_DAYS),
        )
        audit_record(
            event="privacy.export_started",
            actor_id=str(account.pk),
            subject_id=str(person.pk),
            data={"job": str(job.pk), "kind": kind.value},
        )
        transaction.on_commit(lambda: export_job_build_task.enqueue(str(job.pk)))
    return job


def export_job_for(reference: str) -> ExportJob | None:
    """The latest job started for a rights request (its reference), or None."""
    if not reference:
        return None
    return ExportJob.objects.filter(reference=reference).order_by("-created_at").first()


def export_jobs_of(*, account: Account, person: Person) -> list[ExportJob]:
    """The account's recent jobs for the person, newest first (the privacy centre shows them)."""
    return list(ExportJob.objects.filter(account=account, person=person).order_by("-created_at")[:5])


# --- download links -------------------------------------------------------------------------------------
def download_link_issue(job: ExportJob, account: Account) -> str:
    """A new single-use token for `account` to download the job's file; the caller builds the URL
    (web: /privacy/downloads/<token>/, API: /api/v1/privacy/downloads/<token>)."""
    if job.account_id != account.pk:
        raise MemberAreaError(NOT_FOUND)
    if job.state != ExportState.READY or job.expires_at <= clock.now():
        raise MemberAreaError(EXPORT_NOT_READY)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    lifetime = dt.timedelta(minutes=settings.EXPORT_LINK_LIFETIME_MINUTES)
    DownloadLink.objects.create(
        job=job,
        account=account,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=min(now + lifetime, job.expires_at),
    )
    return token


def download_link_open(*, token: str, account: Account) -> ExportJob:
    """Spend the link and return its job (with its file) to stream to `account`.

    Another account's link, or an unknown token, is NOT_FOUND (nothing to probe); a used one is
    DOWNLOAD_LINK_USED; one past its expiry, or whose file has expired, DOWNLOAD_LINK_EXPIRED."""
    link = DownloadLink.objects.select_related("job", "job__file").filter(token_hash=token_hash(token or "")).first()
    if link is None or link.account_id != account.pk:
        raise MemberAreaError(NOT_FOUND)
    now = clock.now()
    if link.used_at is not None:
        raise MemberAreaError(DOWNLOAD_LINK_USED)
    job = link.job
    if link.expires_at <= now or job.state != ExportState.READY or job.file is None or job.expires_at <= now:
        raise MemberAreaError(DOWNLOAD_LINK_EXPIRED)
    with transaction.atomic():
        spent = DownloadLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
        if not spent:  # opened twice at once: the other request won
            raise MemberAreaError(DOWNLOAD_LINK_USED)
        audit_record(
            event="privacy.export_downloaded",
            actor_id=str(account.pk),
            subject_id=str(job.person_id),
            data={"job": str(job.pk)},
        )
    return job


def export_download_name(job: ExportJob) -> str:
    """An ASCII file name with no path or quote in it: `data-access-2026-03-02.zip`."""
    return f"data-{job.kind}-{job.created_at.date().isoformat()}.zip"


def export_file_chunks(job: ExportJob) -> Iterator[bytes]:
    """The decrypted file, segment by segment (for a StreamingHttpResponse); it opens at once, so
    a file that does not open fails before the response starts."""
    if job.file is None:
        raise MemberAreaError(DOWNLOAD_LINK_EXPIRED)
    opened = default_storage.open(job.file.name)
    return _chunks_then_close(opened)


def _chunks_then_close(opened) -> Iterator[bytes]:
    with opened:
        yield from opened.chunks()
