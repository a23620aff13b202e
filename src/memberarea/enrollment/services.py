"""Enrollment services: the only code that writes enrollment rows (ENR-2, ENR-3, PRIV-8).

Imports commit one chunk per transaction (a CSV file of a million rows cannot be one transaction)
with an audit entry per chunk; an API batch is one transaction, so it is applied whole or not at all.
"""

import hashlib
import secrets
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import IntegrityError, transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import INVALID as INVALID_ERROR
from memberarea.core.errors import NOT_FOUND, MemberAreaError
from memberarea.enrollment.bulk import bulk_load_session
from memberarea.enrollment.errors import WELCOME_NO_RECIPIENT

from .identifiers import suppression_key, suppression_member_key
from .importing import MembershipImport, PolicyImport, ProgressCallback, Row
from .models import ImportBatch, IntegrationClient, Membership, Person, SuppressedPerson
from .welcome import WelcomeSender, welcome_recipients

TOKEN_PREFIX = "ma_"  # noqa: S105 - a token format tag, not a secret  # nosec B105


def token_hash(token: str) -> str:
    """Tokens are 256 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- imports ------------------------------------------------------------------------------------
def enrollment_file_import(
    *,
    kind: str,
    rows: Iterable[Row],
    send_welcome: bool = True,
    progress: ProgressCallback | None = None,
    chunk_size: int | None = None,
) -> ImportBatch:
    """Apply one stream of CSV rows (`kind` "policies" or "members") as deltas; returns the batch."""
    batch = ImportBatch.objects.create(
        source=ImportBatch.Source.FILE, send_welcome=send_welcome, started_at=clock.now()
    )
    _stream_apply(batch, kind, rows, actor_id="system", send_welcome=send_welcome, progress=progress,
                  chunk_size=chunk_size or settings.ENROLLMENT_IMPORT_CHUNK_SIZE)  # fmt: skip
    batch.finished_at = clock.now()
    batch.save(update_fields=["finished_at"])
    return batch


def enrollment_batch_import(
    *, client: IntegrationClient, batch_id: str, records: list[Mapping], send_welcome: bool = True
) -> tuple[ImportBatch, bool]:
    """Apply an API batch (policies first, then members) once; (batch, True) when it was a repeat.

    The batch id is unique per client: a repeat — even one racing the first — returns the first
    result and applies nothing.
    """
    previous = ImportBatch.objects.filter(client=client, client_batch_id=batch_id).first()
    if previous is not None:
        return previous, True
    policies = [(row, r) for row, r in enumerate(records, start=1) if r.get("record") == "policy"]
    members = [(row, r) for row, r in enumerate(records, start=1) if r.get("record") != "policy"]
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                source=ImportBatch.Source.API,
                client=client,
                client_batch_id=batch_id,
                send_welcome=send_welcome,
                started_at=clock.now(),
            )
            actor = f"integration:{client.pk}"
            size = settings.ENROLLMENT_IMPORT_CHUNK_SIZE
            _stream_apply(batch, "policies", policies, actor_id=actor, send_welcome=False, chunk_size=size)
            _stream_apply(batch, "members", members, actor_id=actor, send_welcome=send_welcome, chunk_size=size)
            batch.finished_at = clock.now()
            batch.save(update_fields=["finished_at"])
    except IntegrityError:
        previous = ImportBatch.objects.filter(client=client, client_batch_id=batch_id).first()
        if previous is None:
            raise
        return previous, True
    return batch, False


def _stream_apply(batch, kind, rows, *, actor_id, send_welcome, chunk_size, progress=None) -> None:
    common = {"batch": batch, "actor_id": actor_id, "chunk_size": chunk_size, "progress": progress}
    load: PolicyImport | MembershipImport
    if kind == "policies":
        load = PolicyImport(**common)
    elif kind == "members":
        load = MembershipImport(welcome=WelcomeSender() if send_welcome else None, **common)
    else:
        raise ValueError(f"unknown import kind {kind!r}")
    with bulk_load_session():
        load.run(rows)


# --- welcome ------------------------------------------------------------------------------------
def welcome_resend(*, membership: Membership, actor_id: str) -> int:
    """Queue the welcome again (customer service, BO-3); returns how many messages were queued."""
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    recipients = welcome_recipients(membership, today=today)
    if not recipients:
        raise MemberAreaError(WELCOME_NO_RECIPIENT)
    with transaction.atomic():
        sender = WelcomeSender()
        for recipient in recipients:
            sender.send(membership, recipient)
        Membership.objects.filter(pk=membership.pk).update(welcome_state="queued", welcome_sent_at=clock.now())
        audit_record(
            event="enrollment.welcome_resent",
            actor_id=actor_id,
            subject_id=str(membership.pk),
            data={"messages": sender.queued},
        )
    return sender.queued


# --- persons and accounts -----------------------------------------------------------------------
def person_account_link(*, person: Person, account, actor_id: str) -> None:
    """Make `account` the person's account (registration, REG-2 linking, or the demo's re-joiner)."""
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(account=account, updated_at=clock.now())
        person.account = account
        audit_record(
            event="enrollment.person_account_linked",
            actor_id=actor_id,
            subject_id=str(person.pk),
            data={"account": str(account.pk)},
        )


# --- integration clients ------------------------------------------------------------------------
def integration_client_create(*, name: str) -> tuple[IntegrationClient, str]:
    """A new client and its bearer token, which is shown once and stored only as a hash."""
    name = name.strip()
    if not name or IntegrationClient.objects.filter(name=name).exists():
        raise MemberAreaError(INVALID_ERROR, fields={"name": [INVALID_ERROR.message]})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        client = IntegrationClient.objects.create(name=name, token_hash=token_hash(token), created_at=clock.now())
        audit_record(event="enrollment.integration_client_created", actor_id="system", subject_id=str(client.pk))
    return client, token


def integration_client_revoke(*, name: str) -> IntegrationClient:
    client = IntegrationClient.objects.filter(name=name.strip()).first()
    if client is None:
        raise MemberAreaError(NOT_FOUND)
    if client.revoked_at is None:
        with transaction.atomic():
            client.revoked_at = clock.now()
            client.save(update_fields=["revoked_at"])
            audit_record(event="enrollment.integration_client_revoked", actor_id="system", subject_id=str(client.pk))
    return client


def integration_client_authenticate(token: str) -> IntegrationClient | None:
    """The active client holding this token, found by its hash; None for unknown or revoked tokens."""
    if not token:
        return None
    return IntegrationClient.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True).first()


# --- suppression list (PRIV-8) ------------------------------------------------------------------
def suppression_add(*, person: Person, actor_id: str, reason: str = "erasure") -> bool:
    """Put an erased person on the list imports respect: their document (with the birth date) and every
    member number they held, as keyed hashes. False when there was nothing to list.

    Called by the erasure (`privacy.erasure`) before it empties the person.
    """
    keys = [suppression_member_key(number) for number in person.memberships.values_list("member_number", flat=True)]
    if person.document_type:
        keys.append(
            suppression_key(person.document_type, person.document_number, person.document_country, person.date_of_birth)
        )
    now = clock.now()
    with transaction.atomic():
        created = [
            SuppressedPerson.objects.get_or_create(key=key, defaults={"reason": reason, "created_at": now})[1]
            for key in keys
        ]
        if any(created):
            audit_record(event="enrollment.person_suppressed", actor_id=actor_id, subject_id=str(person.pk))
    return bool(keys)


def batch_summary(batch: ImportBatch, *, error_limit: int | None = None) -> dict:
    """The counts and per-row errors of an import, with no personal value in them."""
    errors = batch.row_errors.order_by("row", "id").values("row", "field", "code")
    if error_limit is not None:
        errors = errors[:error_limit]
    return {
        "batch_id": batch.client_batch_id or str(batch.pk),
        **{name: getattr(batch, name) for name in ImportBatch.COUNTS},
        "errors": list(errors),
    }
