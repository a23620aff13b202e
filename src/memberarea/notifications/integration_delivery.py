"""Delivering integration messages to the core system: claim, POST, record (see integration.py).

The outbox's pattern (delivery.py, decision 0029) for another recipient: a conditional update claims
a due message with a lease and counts the attempt; a heartbeat renews the lease while the POST runs;
a worker that dies stops renewing, the lease runs out and the sweep dispatches the message again,
with the same Idempotency-Key, so the core system can drop the copy. After the last attempt the
message is failed and listed to staff.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db.models import F, Q

from memberarea.core import clock
from memberarea.core.tasks import backoff, renewed

from .channels import DeliveryError, http_post_json
from .delivery import not_recently_dispatched
from .models import IntegrationMessage
from .models import IntegrationState as State

logger = logging.getLogger("memberarea.notifications")
RENEWALS_PER_LEASE = 3
FINISHED = (State.SENT, State.FAILED)
SIGNATURE_HEADER = "X-Memberarea-Signature"
TIMESTAMP_HEADER = "X-Memberarea-Timestamp"


def core_system_configured() -> bool:
    return bool(settings.CORE_SYSTEM_URL)


def integration_message_deliver(message_id: uuid.UUID) -> str:
    """Try to deliver one message now: "sent", an error code, "skipped" or "not_configured"."""
    if not core_system_configured():
        return "not_configured"
    claimed = (
        IntegrationMessage.objects.filter(pk=message_id)
        .filter(_claimable(clock.now()))
        .update(state=State.SENDING, leased_until=_lease_end(), attempts=F("attempts") + 1)
    )
    if not claimed:  # not due, being sent by another worker, or finished
        return "skipped"
    message = IntegrationMessage.objects.get(pk=message_id)
    attempt = message.attempts
    try:
        with renewed(
            lambda: _mine(message, attempt).update(leased_until=_lease_end()),
            every=settings.CORE_SYSTEM_LEASE_SECONDS / RENEWALS_PER_LEASE,
            name="integration-lease",
        ):
            integration_post(message)
    except DeliveryError as error:
        return _failure_record(message, attempt, error.code, permanent=error.permanent)
    except Exception:  # a bug or a broken row must not kill the worker; it counts as an attempt
        logger.exception("delivery of integration message %s raised", message.pk)
        return _failure_record(message, attempt, "internal_error", permanent=False)
    # Whichever attempt owns the row now: the core system has the message, so it is sent.
    IntegrationMessage.objects.filter(pk=message.pk, state__in=(State.SENDING, State.PENDING)).update(
        state=State.SENT, sent_at=clock.now(), leased_until=None, last_error_code=""
    )
    return "sent"


def integration_body(message: IntegrationMessage) -> bytes:
    """What is POSTed: the topic, the reference and the payload, as compact UTF-8 JSON."""
    document = {
        "topic": message.topic,
        "reference": message.reference,
        "created_at": message.created_at.isoformat(),
        "payload": json.loads(message.payload or "{}"),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def integration_signature(*, body: bytes, timestamp: str, key: str) -> str:
    """`sha256=` + hex HMAC-SHA256 of "<timestamp>.<body>" under the shared signing key."""
    mac = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def integration_signature_valid(*, body: bytes, timestamp: str, signature: str, key: str) -> bool:
    """The core system's check (also the reference for its implementers): constant-time comparison."""
    return hmac.compare_digest(integration_signature(body=body, timestamp=timestamp, key=key), signature)


def integration_post(message: IntegrationMessage) -> None:
    body = integration_body(message)
    timestamp = str(int(clock.now().timestamp()))
    http_post_json(
        settings.CORE_SYSTEM_URL,
        body=body,
        headers={
            "Idempotency-Key": message.reference,
            "X-Memberarea-Topic": message.topic,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: integration_signature(
                body=body, timestamp=timestamp, key=settings.CORE_SYSTEM_SIGNING_KEY
            ),
        },
        timeout=settings.CORE_SYSTEM_TIMEOUT_SECONDS,
        code_prefix="core",
    )


def _lease_end() -> dt.datetime:
    return clock.now() + dt.timedelta(seconds=settings.CORE_SYSTEM_LEASE_SECONDS)


def _mine(message: IntegrationMessage, attempt: int):
    """The row while this attempt still owns it (another worker may have taken over an expired lease)."""
    return IntegrationMessage.objects.filter(pk=message.pk, state=State.SENDING, attempts=attempt)


def _claimable(now: dt.datetime) -> Q:
    due = Q(state=State.PENDING, next_attempt_at__lte=now) | Q(state=State.SENDING, leased_until__lt=now)
    return due & Q(attempts__lt=settings.CORE_SYSTEM_MAX_ATTEMPTS)


def _failure_record(message: IntegrationMessage, attempt: int, code: str, *, permanent: bool) -> str:
    if permanent or attempt >= settings.CORE_SYSTEM_MAX_ATTEMPTS:
        changes: dict[str, object] = {"state": State.FAILED, "leased_until": None, "last_error_code": code}
        logger.warning("integration message %s failed after %s attempts: %s", message.pk, attempt, code)
    else:
        delay = backoff(
            attempt, base=settings.CORE_SYSTEM_BACKOFF_BASE_SECONDS, cap=settings.CORE_SYSTEM_BACKOFF_MAX_SECONDS
        )
        changes = {
            "state": State.PENDING,
            "leased_until": None,
            "last_error_code": code,
            "next_attempt_at": clock.now() + delay,
        }
        logger.info("integration message %s attempt %s failed: %s", message.pk, attempt, code)
    _mine(message, attempt).update(**changes)
    return code


def integration_sweep(*, dispatch: Callable[[uuid.UUID], None], limit: int = 500) -> str:
    """The periodic sweep: hold or release, give up on abandoned last attempts, re-dispatch, purge."""
    now = clock.now()
    purged = _payloads_purge(now)
    if not core_system_configured():
        held = IntegrationMessage.objects.filter(state=State.PENDING).update(state=State.HELD)
        waiting = IntegrationMessage.objects.filter(state=State.HELD).count()
        return f"core system not configured: {waiting} held ({held} newly), {purged} purged"
    released = IntegrationMessage.objects.filter(state=State.HELD).update(state=State.PENDING, next_attempt_at=now)
    gave_up = IntegrationMessage.objects.filter(
        state=State.SENDING, leased_until__lt=now, attempts__gte=settings.CORE_SYSTEM_MAX_ATTEMPTS
    ).update(state=State.FAILED, leased_until=None, last_error_code="lease_expired")
    due_ids = list(
        IntegrationMessage.objects.filter(_claimable(now) & not_recently_dispatched(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if due_ids:
        IntegrationMessage.objects.filter(pk__in=due_ids).update(dispatched_at=now)
        for message_id in due_ids:
            dispatch(message_id)
    return f"{len(due_ids)} dispatched, {released} released, {gave_up} abandoned, {purged} purged"


def _payloads_purge(now: dt.datetime) -> int:
    cutoff = now - dt.timedelta(days=settings.CORE_SYSTEM_PAYLOAD_RETENTION_DAYS)
    return IntegrationMessage.objects.filter(
        state__in=FINISHED, created_at__lt=cutoff, payload_purged_at__isnull=True
    ).update(payload=None, payload_purged_at=now)
