"""The outbox (NOTIF-2): one row per message, written in the transaction of the action that causes it.

The row is the truth; tasks only carry its id. A worker claims it with a conditional update and a
lease, so a message is sent by one worker at a time and a worker that dies leaves it to be taken
over when the lease runs out. Content and address are encrypted at rest; secrets are purged once
the message is finished (see docs/notifications.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from memberarea.core import datamap
from memberarea.core.datamap import NotPersonal, Personal
from memberarea.core.fields import EncryptedTextField


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class Kind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Administrative")
    MARKETING = "marketing", _("Marketing")


class State(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired before delivery")


FINISHED_STATES = (State.SENT, State.FAILED, State.EXPIRED)


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ADMINISTRATIVE)
    language = models.CharField(max_length=8)
    template = models.CharField(max_length=100)
    to = EncryptedTextField(null=True)
    subject = EncryptedTextField(null=True)
    body_text = EncryptedTextField(null=True)
    body_html = EncryptedTextField(null=True)
    unsubscribe_url = EncryptedTextField(null=True)
    contains_secret = models.BooleanField(default=False)
    subject_id = models.CharField(max_length=64, blank=True, db_index=True)
    # Who the message is about, for the back office's troubleshooting panel (BO-3): codes are sent
    # for a flow (subject_id), yet "I did not get my code" is asked about a member.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    membership = models.ForeignKey(
        "enrollment.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True)
    leased_until = models.DateTimeField(null=True)
    last_error_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)
    content_purged_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notif_msg_due"),
            models.Index(fields=["state", "leased_until"], name="notif_msg_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} message {self.pk} ({self.state})"


class DevOutboxEntry(models.Model):
    """A message as the development outbox channel "delivered" it (demo mode only, NOTIF-1).

    Unique by reference, like a provider that de-duplicates: a resend after a crash adds nothing.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    language = models.CharField(max_length=8)
    to = EncryptedTextField()
    subject = EncryptedTextField(null=True)
    body_text = EncryptedTextField()
    body_html = EncryptedTextField(null=True)
    headers = EncryptedTextField(help_text="JSON object of the extra headers the message carried")
    delivered_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "dev outbox entries"

    def __str__(self) -> str:
        return f"dev outbox {self.channel} {self.reference}"


class IntegrationState(models.TextChoices):
    HELD = "held", _("Held: no core system is configured")
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class IntegrationMessage(models.Model):
    """A message to the insurer's core system (a correction, an erasure), written in the caller's
    transaction and delivered by the worker with the outbox's lease pattern (integration.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(max_length=64)
    payload = EncryptedTextField(null=True, help_text="JSON object; erased once finished and past retention")
    reference = models.CharField(max_length=100, unique=True, help_text="the Idempotency-Key the core system sees")
    person = models.ForeignKey("enrollment.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=8, choices=IntegrationState.choices, default=IntegrationState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True)
    leased_until = models.DateTimeField(null=True)
    last_error_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True)
    payload_purged_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notif_integration_due")]

    def __str__(self) -> str:
        return f"integration message {self.topic} {self.pk} ({self.state})"


_CONTENT = Personal(
    datamap.CONTACT,
    datamap.GENERATED,
    [datamap.ACCOUNT, datamap.SECURITY, datamap.SERVICE],
    note="message text: may hold names, member numbers, codes and links; purged (see docs/notifications.md)",
)
_ADDRESS = Personal(datamap.CONTACT, datamap.MEMBER, [datamap.ACCOUNT, datamap.SECURITY, datamap.SERVICE])
_DELIVERY = Personal(datamap.ACTIVITY, datamap.GENERATED, [datamap.SERVICE], note="delivery status of a message")

datamap.declare(
    Message,
    id=NotPersonal("random message id"),
    channel=NotPersonal("email or SMS"),
    kind=NotPersonal("administrative or marketing"),
    language=Personal(datamap.PREFERENCE, datamap.MEMBER, [datamap.SERVICE]),
    template=NotPersonal("template name"),
    to=_ADDRESS,
    subject=_CONTENT,
    body_text=_CONTENT,
    body_html=_CONTENT,
    unsubscribe_url=Personal(
        datamap.ONLINE_IDENTIFIER, datamap.GENERATED, [datamap.MARKETING], note="signed unsubscribe link"
    ),
    contains_secret=NotPersonal("whether the body is purged once finished"),
    subject_id=Personal(datamap.ONLINE_IDENTIFIER, datamap.GENERATED, [datamap.SERVICE]),
    account=Personal(
        datamap.ONLINE_IDENTIFIER, datamap.GENERATED, [datamap.SERVICE], note="the account the message is about"
    ),
    membership=Personal(
        datamap.INSURANCE, datamap.GENERATED, [datamap.SERVICE], note="the membership the message is about"
    ),
    reference=NotPersonal("random idempotency reference given to the provider"),
    state=_DELIVERY,
    attempts=_DELIVERY,
    next_attempt_at=_DELIVERY,
    dispatched_at=NotPersonal("delivery bookkeeping"),
    leased_until=NotPersonal("delivery bookkeeping"),
    last_error_code=NotPersonal("short error code, never the provider's text"),
    created_at=_DELIVERY,
    sent_at=_DELIVERY,
    expires_at=NotPersonal("validity of the message's codes"),
    content_purged_at=NotPersonal("purge bookkeeping"),
)
datamap.declare(
    DevOutboxEntry,
    id=NotPersonal("random row id"),
    reference=NotPersonal("random idempotency reference"),
    channel=NotPersonal("email or SMS"),
    kind=NotPersonal("administrative or marketing"),
    language=Personal(datamap.PREFERENCE, datamap.MEMBER, [datamap.SERVICE]),
    to=_ADDRESS,
    subject=_CONTENT,
    body_text=_CONTENT,
    body_html=_CONTENT,
    headers=Personal(
        datamap.ONLINE_IDENTIFIER, datamap.GENERATED, [datamap.SERVICE], note="may hold an unsubscribe link"
    ),
    delivered_at=_DELIVERY,
)
datamap.subject(Message, "account__person", "membership__person")
datamap.subject_unlinked(
    DevOutboxEntry, "the development outbox of demo mode; the same messages are listed as messages"
)
datamap.declare(
    IntegrationMessage,
    id=NotPersonal("random message id"),
    topic=NotPersonal("kind of message: core.member_correction, core.member_erasure"),
    payload=Personal(
        datamap.ACTIVITY,
        datamap.GENERATED,
        [datamap.SERVICE],
        note="what the core system is told: corrected values, an erasure request; erased after retention",
    ),
    reference=NotPersonal("idempotency key, made of request ids"),
    person=Personal(datamap.ONLINE_IDENTIFIER, datamap.GENERATED, [datamap.SERVICE], note="whom the message is about"),
    state=NotPersonal("delivery bookkeeping"),
    attempts=NotPersonal("delivery bookkeeping"),
    next_attempt_at=NotPersonal("delivery bookkeeping"),
    dispatched_at=NotPersonal("delivery bookkeeping"),
    leased_until=NotPersonal("delivery bookkeeping"),
    last_error_code=NotPersonal("short error code, never the core system's text"),
    created_at=NotPersonal("delivery bookkeeping"),
    sent_at=NotPersonal("delivery bookkeeping"),
    payload_purged_at=NotPersonal("purge bookkeeping"),
)
datamap.subject(IntegrationMessage, "person")
# The payload goes once the message is finished and CORE_SYSTEM_PAYLOAD_RETENTION_DAYS have passed.
datamap.retain(
    IntegrationMessage,
    datamap.Rule(
        settings.CORE_SYSTEM_PAYLOAD_RETENTION_DAYS, datamap.FROM_RECORDED, exported=True, erasure=datamap.ERASE
    ),
    "payload",
)
