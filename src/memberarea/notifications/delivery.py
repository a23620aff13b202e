"""Delivering outbox messages: claim, send, record (NOTIF-2).

Exactly one worker sends a message at a time without row locks: a conditional update moves it from
"pending and due" (or "sending with an expired lease") to "sending" and counts the attempt; the
update's row count says who won. After the send the row becomes sent, or pending again with
exponential back-off and jitter, or failed after the last attempt. While the send runs, a
heartbeat renews the lease (three times per NOTIFICATION_LEASE_SECONDS), so a slow provider never
lets another worker take the message over (decision 0029). A worker that dies while sending stops
renewing; its lease runs out, the sweep dispatches the message again and the next worker resends
it with the same reference (at-least-once; providers de-duplicate by reference). A message marked
sent is never claimed again.

The delivery task drains its channel (decision 0040): after its own message it claims due messages
in batches under the same conditional update, sends a batch over one connection while one
heartbeat renews the whole batch's lease, and records the sent ones in one statement. A worker that
dies mid-batch leaves the batch's leases to run out: every message of it is sent again, with its
same reference.
"""

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db.models import Case, F, Q, Value, When
from django_tasks_db.utils import exclusive_transaction

from memberarea.core import clock
from memberarea.core.tasks import backoff as _backoff
from memberarea.core.tasks import renewed

from .channels import DeliveryError, message_send
from .models import FINISHED_STATES, Message, State

logger = logging.getLogger("memberarea.notifications")
RENEWALS_PER_LEASE = 3

CONTENT_PURGE = {"subject": None, "body_text": None, "body_html": None}


def message_deliver(message_id: uuid.UUID, *, follow_up: Callable[[uuid.UUID], object] | None = None) -> str:
    """Try to deliver one message now; returns what happened ("sent", an error code, or "skipped").

    With `follow_up` (the delivery task's), then drain the other due messages of its channel in
    batches, so the task's overhead is paid once per drain instead of once per message; a drain cut
    short by its time limit hands the rest to `follow_up` (a new task for one of them)."""
    now = clock.now()
    claimed, lease = _claim(Message.objects.filter(pk=message_id), now, limit=1)
    if not claimed:  # past its expiry, not due, already being sent, or finished
        return "expired" if _expire(Message.objects.filter(pk=message_id), now) else "skipped"
    [outcome] = _batch_deliver(claimed, lease)
    if follow_up is not None:
        left = messages_drain(claimed[0].channel)
        if left is not None:
            follow_up(left)
    return outcome


def messages_drain(channel: str) -> uuid.UUID | None:
    """Deliver due messages of `channel`, NOTIFICATION_BATCH_SIZE at a time, while there are any, for
    at most NOTIFICATION_DRAIN_SECONDS (other tasks get their turn). Returns a message still due
    when the time ran out, else None."""
    deadline = time.monotonic() + settings.NOTIFICATION_DRAIN_SECONDS
    of_channel = Message.objects.filter(channel=channel)
    while time.monotonic() < deadline:
        batch, lease = _claim(of_channel, clock.now(), limit=settings.NOTIFICATION_BATCH_SIZE)
        if not batch:
            return None
        _batch_deliver(batch, lease)
    return of_channel.filter(_claimable(clock.now())).values_list("pk", flat=True).first()


def _claim(candidates, now: dt.datetime, *, limit: int) -> tuple[list[Message], dt.datetime]:
    """Take up to `limit` due messages among `candidates` for this attempt: sending, leased, counted.

    One short transaction: the rows are read FOR UPDATE SKIP LOCKED on PostgreSQL (concurrent
    workers take different rows) and in an exclusive transaction on SQLite; the conditional update
    repeats the claim conditions all the same. Every claimed row gets the same lease end, which
    then identifies this claim (a later take-over always writes a later one)."""
    lease = _lease_end()
    with exclusive_transaction():
        batch = list(
            candidates.select_for_update(skip_locked=True).filter(_claimable(now)).order_by("next_attempt_at")[:limit]
        )
        if not batch:
            return [], lease
        Message.objects.filter(pk__in=[message.pk for message in batch]).filter(_claimable(now)).update(
            state=State.SENDING, leased_until=lease, attempts=F("attempts") + 1
        )
    for message in batch:
        message.state, message.leased_until, message.attempts = State.SENDING, lease, message.attempts + 1
    return batch, lease


def _batch_deliver(batch: list[Message], claimed_until: dt.datetime) -> list[str]:
    """Send each claimed message (over the thread's one SMTP connection) while a heartbeat renews
    the batch's lease; then record the sent ones in one statement and each failure on its own."""
    lease = [claimed_until]
    ids = [message.pk for message in batch]
    with renewed(
        lambda: _lease_renew(ids, lease),
        every=settings.NOTIFICATION_LEASE_SECONDS / RENEWALS_PER_LEASE,
        name="delivery-lease",
    ):
        errors = [_send(message) for message in batch]
    sent = [message.pk for message, error in zip(batch, errors, strict=True) if error is None]
    if sent:
        _sent_record(sent)
    for message, error in zip(batch, errors, strict=True):
        if error is not None:
            _failure_record(message, lease[0], error.code, permanent=error.permanent)
    return ["sent" if error is None else error.code for error in errors]


def _send(message: Message) -> DeliveryError | None:
    """None when the provider accepted the message."""
    try:
        message_send(message)
    except DeliveryError as error:
        return error
    except Exception:  # a bug or a broken row must not kill the worker; it counts as an attempt
        logger.exception("delivery of message %s raised", message.pk)
        return DeliveryError("internal_error")
    return None


def _lease_end() -> dt.datetime:
    return clock.now() + dt.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)


def _lease_renew(ids: list[uuid.UUID], lease: list[dt.datetime]) -> None:
    """The sends are still running: the rows stay this claim's, those it has not lost already."""
    renewed_until = _lease_end()
    Message.objects.filter(pk__in=ids, state=State.SENDING, leased_until=lease[0]).update(leased_until=renewed_until)
    lease[0] = renewed_until


def _claimable(now: dt.datetime) -> Q:
    due = Q(state=State.PENDING, next_attempt_at__lte=now) | Q(state=State.SENDING, leased_until__lt=now)
    alive = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    return due & alive & Q(attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS)


def _sent_record(ids: list[uuid.UUID]) -> None:
    """One statement for the batch; secrets are purged in it (contains_secret)."""
    now = clock.now()
    # Whichever attempt owns a row now (another worker may have taken over an expired lease, or
    # recorded its own failure): the provider has the message, so it is sent.
    Message.objects.filter(pk__in=ids, state__in=(State.SENDING, State.PENDING)).update(
        state=State.SENT,
        sent_at=now,
        leased_until=None,
        last_error_code="",
        **_purged_if_secret(now),
    )


def _purged_if_secret(now: dt.datetime) -> dict[str, Case]:
    """Update values that erase the content of the rows holding a secret and keep the others'."""

    def purged(field: str, value: object = None) -> Case:
        return Case(When(contains_secret=True, then=Value(value)), default=F(field))

    return {"content_purged_at": purged("content_purged_at", now), **{field: purged(field) for field in CONTENT_PURGE}}


def _failure_record(message: Message, lease: dt.datetime, code: str, *, permanent: bool) -> None:
    now = clock.now()
    attempt = message.attempts
    if permanent or attempt >= settings.NOTIFICATION_MAX_ATTEMPTS:
        changes: dict[str, object] = {"state": State.FAILED, "leased_until": None, "last_error_code": code}
        if message.contains_secret:
            changes |= {**CONTENT_PURGE, "content_purged_at": now}
        logger.warning("message %s failed after %s attempts: %s", message.pk, attempt, code)
    else:
        changes = {
            "state": State.PENDING,
            "leased_until": None,
            "last_error_code": code,
            "next_attempt_at": now + backoff(attempt),
        }
        logger.info("message %s attempt %s failed: %s", message.pk, attempt, code)
    # Only while this attempt still owns the row (another worker may have taken over an expired lease).
    Message.objects.filter(pk=message.pk, state=State.SENDING, leased_until=lease).update(**changes)


def backoff(attempt: int) -> dt.timedelta:
    """Delay after failed attempt `attempt` (1-based): base × 2^(attempt-1), capped, ±20 % jitter."""
    return _backoff(
        attempt, base=settings.NOTIFICATION_BACKOFF_BASE_SECONDS, cap=settings.NOTIFICATION_BACKOFF_MAX_SECONDS
    )


def _expire(messages, now: dt.datetime) -> int:
    """Mark messages past their expiry as expired (never sent); secrets go at once. One statement."""
    open_rows = Q(state=State.PENDING) | Q(state=State.SENDING, leased_until__lt=now)
    return (
        messages.filter(open_rows, expires_at__lte=now)
        .order_by()
        .update(state=State.EXPIRED, leased_until=None, last_error_code="expired", **_purged_if_secret(now))
    )


def messages_sweep(*, dispatch: Callable[[uuid.UUID], None], limit: int = 1000) -> str:
    """The periodic sweep: expire, give up on abandoned last attempts, re-dispatch, purge.

    `dispatch` queues one delivery (services.message_dispatch): passed in, because the task it
    queues runs this module's `message_deliver`. One task per channel, for its earliest due
    message: the task drains the rest."""
    now = clock.now()
    expired = _expire(Message.objects.all(), now)
    abandoned = Message.objects.filter(
        state=State.SENDING, leased_until__lt=now, attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS
    )
    gave_up = abandoned.update(
        state=State.FAILED, leased_until=None, last_error_code="lease_expired", **_purged_if_secret(now)
    )
    due = list(
        Message.objects.filter(_claimable(now) & not_recently_dispatched(now))
        .order_by("next_attempt_at")
        .values_list("pk", "channel")[:limit]
    )
    if due:
        Message.objects.filter(pk__in=[message_id for message_id, _ in due]).update(dispatched_at=now)
        # One task per channel: it drains the channel's due messages (decision 0040).
        for message_id in {channel: message_id for message_id, channel in reversed(due)}.values():
            dispatch(message_id)
    purged = messages_purge(now)
    return f"{len(due)} dispatched, {expired} expired, {gave_up} abandoned, {purged} purged"


def not_recently_dispatched(now: dt.datetime) -> Q:
    """A dispatch made before the message fell due (or its lease ran out) does not count (shared by
    the integration outbox, whose rows have the same bookkeeping columns)."""
    stale = now - dt.timedelta(seconds=settings.NOTIFICATION_REDISPATCH_SECONDS)
    return (
        Q(dispatched_at__isnull=True)
        | Q(dispatched_at__lt=stale)
        | Q(state=State.PENDING, dispatched_at__lt=F("next_attempt_at"))
        | Q(state=State.SENDING, dispatched_at__lt=F("leased_until"))
    )


def messages_purge(now: dt.datetime) -> int:
    """Secrets of finished messages (a safety net), then all content past the retention period."""
    secrets_left = Message.objects.filter(
        state__in=FINISHED_STATES, contains_secret=True, content_purged_at__isnull=True
    ).update(content_purged_at=now, **CONTENT_PURGE)
    cutoff = now - dt.timedelta(days=settings.NOTIFICATION_CONTENT_RETENTION_DAYS)
    old = Message.objects.filter(state__in=FINISHED_STATES, created_at__lt=cutoff, to__isnull=False).update(
        to=None, unsubscribe_url=None, content_purged_at=now, **CONTENT_PURGE
    )
    return secrets_left + old
