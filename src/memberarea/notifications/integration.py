"""The integration outbox to the insurer's core system (issue 13): corrections and erasure requests.

`integration_message_send(topic=…, payload=…, reference=…)` writes one row in the caller's
transaction, so the core system hears of a change exactly when the change commits; the delivery
task is queued after the commit. The worker POSTs it as signed JSON to CORE_SYSTEM_URL with the
reference as Idempotency-Key, retries with back-off, and marks it failed after the last attempt
(integration_delivery.py). Without a URL nothing is sent: messages wait as "held" and leave once
one is configured. The payload is encrypted at rest and erased after retention.

Topics in use: `core.member_correction` (the fields changed, with their new values) and `core.member_erasure`
(an erasure was requested). See docs/operations.md, "The core system".
"""

import json
import re
import uuid

from django.db import IntegrityError, transaction

from memberarea.core import clock

from .integration_delivery import core_system_configured
from .models import IntegrationMessage
from .models import IntegrationState as State
from .tasks import integration_message_deliver_task

TOPIC = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")
MAX_REFERENCE = 100


def integration_message_send(*, topic: str, payload: dict, reference: str, person=None) -> IntegrationMessage:
    """Queue a message to the core system in the caller's transaction; delivered after commit.

    `reference` identifies the fact (e.g. the rights request and step): sending it again returns the
    first message rather than a second one, so a retried caller never tells the core system twice.
    `person`: whom it is about (enrollment.Person), so the data map finds the row.
    """
    if not TOPIC.match(topic):
        raise ValueError(f"topic {topic!r} is not dotted lower-case words (core.member_correction)")
    if not reference or len(reference) > MAX_REFERENCE or not reference.isprintable():
        raise ValueError("reference: 1 to 100 printable characters")
    if not isinstance(payload, dict):
        raise TypeError("payload must be a JSON object (a dict)")
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True)  # raises TypeError for what JSON cannot carry
    now = clock.now()
    try:
        with transaction.atomic():  # a savepoint: a duplicate reference leaves the caller's transaction usable
            message = IntegrationMessage.objects.create(
                id=uuid.uuid4(),
                topic=topic,
                payload=body,
                reference=reference,
                person=person,
                state=State.PENDING if core_system_configured() else State.HELD,
                next_attempt_at=now,
                created_at=now,
            )
    except IntegrityError:
        existing = IntegrationMessage.objects.get(reference=reference)
        if existing.topic != topic:
            raise ValueError(f"reference {reference!r} was already used for {existing.topic}") from None
        return existing
    if message.state == State.PENDING:
        transaction.on_commit(lambda: integration_message_dispatch(message.pk))
    return message


def integration_message_retry(message_id: uuid.UUID) -> bool:
    """A failed message gets a fresh set of attempts, same reference, if its payload is still held;
    False otherwise (not failed, unknown, or erased after retention). Queued once the caller commits."""
    now = clock.now()
    requeued = IntegrationMessage.objects.filter(
        pk=message_id, state=State.FAILED, payload_purged_at__isnull=True
    ).update(
        state=State.PENDING if core_system_configured() else State.HELD,
        attempts=0,
        next_attempt_at=now,
        leased_until=None,
        last_error_code="",
    )
    if requeued and core_system_configured():
        transaction.on_commit(lambda: integration_message_dispatch(message_id), robust=True)
    return bool(requeued)


def integration_message_dispatch(message_id: uuid.UUID) -> None:
    """Queue one delivery task; it carries the id only, never the payload."""
    integration_message_deliver_task.enqueue(str(message_id))
