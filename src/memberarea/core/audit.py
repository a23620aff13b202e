"""The append-only, HMAC-chained audit log (BO-5).

Each entry's MAC covers its content and the previous entry's MAC, under AUDIT_KEY, which lives in
the environment and never in the database: whoever can write the database still cannot forge a
link. A MACed head row records the newest link, so cutting the tail is detected too. Entries hold
ids and keyed hashes only; `audit_record` refuses anything else.

Entries leave only when their retention period is over, as the oldest whole rows of the chain:
`audit_cut_expired` writes a MACed checkpoint (`AuditCut`) naming the last removed link in the
same transaction as it deletes them, and `audit_verify` starts from the newest genuine checkpoint
(decision 0041).
"""

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from . import clock
from .logging import current_request_id
from .models import AuditCut, AuditEntry, AuditHead

GENESIS_MAC = "0" * 64
logger = logging.getLogger("memberarea.audit")
ALLOWED_VALUE_TYPES = (str, int, bool, type(None))
# The entries of the audit_batch open in this thread (or task), waiting to join the chain together.
_batched: ContextVar[list[AuditEntry] | None] = ContextVar("audit_batched", default=None)


def _key() -> bytes:
    if not settings.AUDIT_KEY:
        raise ImproperlyConfigured("AUDIT_KEY is not set")
    return settings.AUDIT_KEY


def _canonical(entry: AuditEntry) -> bytes:
    document = {
        "seq": entry.seq,
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "event": entry.event,
        "actor": entry.actor_id,
        "subject": entry.subject_id,
        "request": entry.request_id,
        "data": entry.data,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def entry_mac(entry: AuditEntry, prev_mac: str) -> str:
    body = _canonical(entry)
    return hmac.new(_key(), prev_mac.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def head_mac(seq: int, mac: str) -> str:
    return hmac.new(_key(), f"head:{seq}:{mac}".encode(), hashlib.sha256).hexdigest()


def cut_mac(cut: AuditCut) -> str:
    """The checkpoint's MAC: without AUDIT_KEY nobody can move it forward over a deletion of their own."""
    at = cut.cut_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return hmac.new(_key(), f"cut:{cut.seq}:{cut.mac}:{cut.removed}:{at}".encode(), hashlib.sha256).hexdigest()


def _check_data(data: dict) -> None:
    for name, value in data.items():
        if not isinstance(name, str) or not isinstance(value, ALLOWED_VALUE_TYPES):
            raise TypeError(f"audit data {name!r}: only ids, codes and keyed hashes (str/int/bool/None)")


def _head_create() -> AuditHead:
    """Create the head for the first append (concurrent first appends settle on get_or_create).

    A head deleted by hand while entries exist is rebuilt from the newest entry so auditing goes
    on; the warning, and the hourly head copies in the logs, keep the deletion visible.
    """
    last = AuditEntry.objects.order_by("-seq").only("seq", "mac").first() or AuditCut.objects.order_by("-seq").first()
    seq, mac = (last.seq, last.mac) if last else (0, GENESIS_MAC)
    if last is not None:
        logger.warning("audit head was missing; rebuilt at entry %s", seq)
    AuditHead.objects.get_or_create(pk=1, defaults={"seq": seq, "mac": mac, "head_mac": head_mac(seq, mac)})
    return AuditHead.objects.select_for_update().get(pk=1)


def audit_record(*, event: str, actor_id: str = "", subject_id: str = "", data: dict | None = None) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so the entry and the action commit together.

    The head row is locked (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions already
    serialise writers), which orders concurrent appends without gaps. Inside `audit_batch` the
    entry waits for the batch's end, where it gets its place in the chain.
    """
    data = dict(data or {})
    _check_data(data)
    entry = AuditEntry(
        at=clock.now(),
        event=event,
        actor_id=str(actor_id or ""),
        subject_id=str(subject_id or ""),
        request_id=current_request_id() or "",
        data=data,
    )
    batched = _batched.get()
    if batched is not None:
        batched.append(entry)
        return entry
    with transaction.atomic():
        _chain([entry])
    return entry


@contextlib.contextmanager
def audit_batch() -> Iterator[None]:
    """One transaction whose audit entries join the chain together at its end, in the order recorded:
    one head read, one insert and one head update for all of them, and the head locked only for
    that moment (PERF-2, decision 0045).

    Let errors inside propagate: an entry recorded in a savepoint that rolls back while the batch
    goes on would still be written. A batch opened inside another one joins it.
    """
    if _batched.get() is not None:
        yield
        return
    entries: list[AuditEntry] = []
    token = _batched.set(entries)
    try:
        with transaction.atomic():
            yield
            _batched.reset(token)  # before chaining, so nothing recorded from here on waits
            if entries:
                _chain(entries)
    finally:
        if _batched.get() is entries:
            _batched.reset(token)


def _chain(entries: list[AuditEntry]) -> None:
    """Link `entries` after the head and move the head past them; inside the caller's transaction."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = _head_create()
    seq, mac = head.seq, head.mac
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_mac = seq, mac
        entry.mac = mac = entry_mac(entry, entry.prev_mac)
    AuditEntry.objects.bulk_create(entries)
    AuditHead.objects.filter(pk=1).update(seq=seq, mac=mac, head_mac=head_mac(seq, mac))


def audit_cut_expired(*, recorded_before: dt.datetime, limit: int) -> list[int]:
    """Remove the oldest entries recorded before `recorded_before`, at most `limit`, behind a checkpoint.

    Only a prefix of the chain goes: the walk stops at the first entry still in its period, even if
    later ones are older (clocks of two servers may disagree). The checkpoint, the deletion and the
    caller's bookkeeping commit together; the seqs removed are returned (none: nothing had expired).
    """
    with transaction.atomic():
        oldest = AuditEntry.objects.order_by("seq").only("seq", "mac", "at")[:limit]
        going: list[AuditEntry] = []
        for entry in oldest:
            if entry.at > recorded_before:
                break
            going.append(entry)
        if not going:
            return []
        last = going[-1]
        cut = AuditCut(seq=last.seq, mac=last.mac, removed=len(going), cut_at=clock.now())
        cut.cut_mac = cut_mac(cut)
        cut.save(force_insert=True)
        _allow_cut(cut.seq)
        try:
            deleted, _ = AuditEntry.objects.filter(seq__lte=last.seq).delete()
        finally:
            _allow_cut(None)
        if deleted != len(going):
            raise RuntimeError(f"audit cut at entry {last.seq}: {deleted} rows deleted, {len(going)} expected")
    logger.info("audit entries %s–%s removed behind a checkpoint", going[0].seq, last.seq)
    return [entry.seq for entry in going]


def _allow_cut(seq: int | None) -> None:
    """Name the checkpoint to PostgreSQL's append-only trigger for this transaction (migration 0006), or clear it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('memberarea.audit_cut', %s, true)", ["" if seq is None else str(seq)])


@dataclass(frozen=True)
class Finding:
    kind: str  # changed | deleted | truncated | head_changed | head_missing | cut_changed | behind_cut
    seq: int
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} at entry {self.seq}: {self.detail}"


def audit_verify(batch_size: int = 2000) -> Iterator[Finding]:
    """Walk the chain in order and yield every inconsistency found; an empty walk means intact.

    The walk starts at the newest checkpoint whose MAC holds (or at the beginning): the first entry
    after it must chain from the checkpoint's link. A checkpoint that fails its MAC is named and
    passed over, so the entries it would have excused show up as deleted.
    """
    start_seq, start_mac = 0, GENESIS_MAC
    for cut in AuditCut.objects.order_by("-seq").iterator(chunk_size=batch_size):
        if hmac.compare_digest(cut.cut_mac, cut_mac(cut)):
            start_seq, start_mac = cut.seq, cut.mac
            break
        yield Finding("cut_changed", cut.seq, "the checkpoint does not match its MAC")
    behind = AuditEntry.objects.filter(seq__lte=start_seq).order_by("seq").values_list("seq", flat=True)
    if start_seq and (first_behind := behind.first()) is not None:
        remaining = behind.count()
        yield Finding("behind_cut", first_behind, f"{remaining} entries remain behind the checkpoint at {start_seq}")

    expected_seq, expected_prev, last_seq, last_mac = start_seq + 1, start_mac, start_seq, start_mac
    entries = AuditEntry.objects.filter(seq__gt=start_seq).order_by("seq")
    for entry in entries.iterator(chunk_size=batch_size):
        if entry.seq > expected_seq:
            missing = (
                f"entry {expected_seq} is"
                if entry.seq == expected_seq + 1
                else f"entries {expected_seq}–{entry.seq - 1} are"
            )
            yield Finding("deleted", expected_seq, f"{missing} missing")
        elif entry.prev_mac != expected_prev:
            yield Finding("changed", entry.seq - 1, "the next entry no longer links to it")
        if entry_mac(entry, entry.prev_mac) != entry.mac:
            yield Finding("changed", entry.seq, "its content does not match its MAC")
        expected_seq, expected_prev = entry.seq + 1, entry.mac
        last_seq, last_mac = entry.seq, entry.mac

    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if last_seq:
            yield Finding("head_missing", last_seq, "the head record is gone; a cut tail cannot be ruled out")
        return
    if not hmac.compare_digest(head.head_mac, head_mac(head.seq, head.mac)):
        yield Finding("head_changed", head.seq, "the head record does not match its MAC")
    elif head.seq > last_seq:
        yield Finding("truncated", last_seq + 1, f"entries {last_seq + 1}–{head.seq} were cut from the end")
    elif head.seq < last_seq or head.mac != last_mac:
        yield Finding("head_changed", head.seq, "the head does not point at the newest entry")
