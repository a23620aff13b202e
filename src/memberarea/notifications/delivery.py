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
"""

import datetime as dt
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db.models import F, Q

from memberarea.core import clock
from memberarea.core.tasks import backoff as _backoff
from memberarea.core.tasks import renewed

from .channels import DeliveryError, message_send
from .models import FINISHED_STATES, Message, State

logger = logging.getLogger("memberarea.notifications")
RENEWALS_PER_LEASE = 3

CONTENT_PURGE = {"subject": None, "body_text": None, "body_html": None}


def message_deliver(message_id: uuid.UUID) -> str:
    """Try to deliver one message now; returns what happened ("sent", an error code, or "skipped")."""
    now = clock.now()
    claimed = (
        Message.objects.filter(pk=message_id)
        .filter(_claimable(now))
        .update(state=State.SENDING, leased_until=_lease_end(), attempts=F("attempts") + 1)
    )
    if not claimed:  # past its expiry, not due, already being sent, or finished
        return "expired" if _expire(Message.objects.filter(pk=message_id), now) else "skipped"
    message = Message.objects.get(pk=message_id)
    attempt = message.attempts
    try:
        with renewed(
            lambda: _lease_renew(message, attempt),
            every=settings.NOTIFICATION_LEASE_SECONDS / RENEWALS_PER_LEASE,
            name="delivery-lease",
        ):
            message_send(message)
    except DeliveryError as error:
        return _failure_record(message, attempt, error.code, permanent=error.permanent)
    except Exception:  # a bug or a broken row must not kill the worker; it counts as an attempt
        logger.exception("delivery of message %s raised", message.pk)
        return _failure_record(message, attempt, "internal_error", permanent=False)
    _sent_record(message)
    return "sent"


def _lease_end() -> dt.datetime:
    return clock.now() + dt.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)


def _lease_renew(message: Message, attempt: int) -> None:
    """The send is still running: the message stays this attempt's (unless it lost the row already)."""
    Message.objects.filter(pk=message.pk, state=State.SENDING, attempts=attempt).update(leased_until=_lease_end())


def _claimable(now: dt.datetime) -> Q:
    due = Q(state=State.PENDING, next_attempt_at__lte=now) | Q(state=State.SENDING, leased_until__lt=now)
    alive = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    return due & alive & Q(attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS)


def _sent_record(message: Message) -> None:
    changes = {"state": State.SENT, "sent_at": clock.now(), "leased_until": None, "last_error_code": ""}
    if message.contains_secret:
        changes |= {**CONTENT_PURGE, "content_purged_at": clock.now()}
    # Whichever attempt owns the row now (another worker may have taken over an expired lease, or
    # recorded its own failure): the provider has the message, so it is sent.
    Message.objects.filter(pk=message.pk, state__in=(State.SENDING, State.PENDING)).update(**changes)


def _failure_record(message: Message, attempt: int, code: str, *, permanent: bool) -> str:
    now = clock.now()
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
    Message.objects.filter(pk=message.pk, state=State.SENDING, attempts=attempt).update(**changes)
    return code


def backoff(attempt: int) -> dt.timedelta:
    """Delay after failed attempt `attempt` (1-based): base × 2^(attempt-1), capped, ±20 % jitter."""
    return _backoff(
        attempt, base=settings.NOTIFICATION_BACKOFF_BASE_SECONDS, cap=settings.NOTIFICATION_BACKOFF_MAX_SECONDS
    )


def _expire(messages, now: dt.datetime) -> int:
    """Mark messages past their expiry as expired (never sent); secrets go at once."""
    open_rows = Q(state=State.PENDING) | Q(state=State.SENDING, leased_until__lt=now)
    candidates = messages.filter(open_rows, expires_at__lte=now)
    secret = candidates.filter(contains_secret=True).update(
        state=State.EXPIRED, leased_until=None, last_error_code="expired", content_purged_at=now, **CONTENT_PURGE
    )
    plain = candidates.update(state=State.EXPIRED, leased_until=None, last_error_code="expired")
    return secret + plain


def messages_sweep(*, dispatch: Callable[[uuid.UUID], None], limit: int = 1000) -> str:
    """The periodic sweep: expire, give up on abandoned last attempts, re-dispatch, purge.

    `dispatch` queues one delivery (services.message_dispatch): passed in, because the task it
    queues runs this module's `message_deliver`."""
    now = clock.now()
    expired = _expire(Message.objects.all(), now)
    abandoned = Message.objects.filter(
        state=State.SENDING, leased_until__lt=now, attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS
    )
    gave_up = abandoned.filter(contains_secret=True).update(
        state=State.FAILED, leased_until=None, last_error_code="lease_expired", content_purged_at=now, **CONTENT_PURGE
    ) + abandoned.update(state=State.FAILED, leased_until=None, last_error_code="lease_expired")
    due_ids = list(
        Message.objects.filter(_claimable(now) & not_recently_dispatched(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if due_ids:
        Message.objects.filter(pk__in=due_ids).update(dispatched_at=now)
        for message_id in due_ids:
            dispatch(message_id)
    purged = messages_purge(now)
    return f"{len(due_ids)} dispatched, {expired} expired, {gave_up} abandoned, {purged} purged"


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
