"""Rights requests (PRIV-8, decision 0033): one row per request, one step row per thing that happened to it.

Kept apart from models.py (which is long already) and imported by it, so Django finds them in the
privacy app. Only `privacy.requests` writes either. The request is about a membership (the person
behind it); `requested_by` is the account that asked — the member, or a guardian for a minor.
A correction's new values, and any reason an officer writes, are encrypted: they are personal data.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from memberarea.core import datamap
from memberarea.core.datamap import (
    ACTIVITY,
    ADDRESS,
    GENERATED,
    INSURER,
    LEGAL_OBLIGATION,
    MEMBER,
    NAME,
    ONLINE_IDENTIFIER,
    PREFERENCE,
    SERVICE,
    NotPersonal,
    Personal,
)
from memberarea.core.fields import EncryptedTextField
from memberarea.enrollment.models import Membership

from . import deadlines


class RequestKind(models.TextChoices):
    ACCESS = "access", _("A copy of your data")
    PORTABILITY = "portability", _("Your data to take elsewhere")
    CORRECTION = deadlines.CORRECTION, _("Correct your details")
    RESTRICTION = "restriction", _("Restrict how we use your data")
    ERASURE = "erasure", _("Erase your data")
    OBJECTION = "objection", _("Stop marketing")
    SHINE_THE_LIGHT = deadlines.SHINE_THE_LIGHT, _("Who received your data for their marketing")


class Regime(models.TextChoices):
    GDPR = deadlines.GDPR, _("GDPR (European Union)")
    CCPA = deadlines.CCPA, _("CCPA (California)")
    HIPAA = deadlines.HIPAA, _("HIPAA (United States health data)")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    IDENTITY_CONFIRMED = "identity_confirmed", _("Identity confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Extended")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


OPEN_STATES = (
    RequestState.RECEIVED,
    RequestState.IDENTITY_CONFIRMED,
    RequestState.IN_PROGRESS,
    RequestState.EXTENDED,
)


class StepKind(models.TextChoices):
    """What happened: the states, plus the changes that leave the state as it was."""

    RECEIVED = "received", _("Received")
    IDENTITY_CONFIRMED = "identity_confirmed", _("Identity confirmed")
    IN_PROGRESS = "in_progress", _("Work started")
    EXTENDED = "extended", _("Deadline extended")
    REGIME_CHANGED = "regime_changed", _("Rules for the deadline changed")
    CORRECTION_APPLIED = "correction_applied", _("Correction approved and applied")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class RightsRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    membership = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    as_guardian = models.BooleanField(default=False, help_text="asked by a guardian for a minor")
    regime = models.CharField(max_length=8, choices=Regime.choices)
    state = models.CharField(max_length=20, choices=RequestState.choices, default=RequestState.RECEIVED)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, help_text="of the member's messages")
    received_at = models.DateTimeField()
    received_on = models.DateField(help_text="the day of receipt in the insurer's time zone: deadlines count from it")
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledge_by = models.DateField(null=True, blank=True, help_text="CCPA: 10 business days after receipt")
    due_on = models.DateField(db_index=True)
    extensions = models.PositiveSmallIntegerField(default=0)
    identity_proven_at = models.DateTimeField(null=True, blank=True, help_text="the asker's last second step")
    correction = EncryptedTextField(null=True, blank=True, help_text="JSON: field → the value the member states")
    correction_previous = EncryptedTextField(null=True, blank=True, help_text="JSON: the values replaced")
    result_reference = models.CharField(
        max_length=64,
        blank=True,
        help_text="the export job of an access or portability request; the year a Shine the Light request answered for",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "received_at"]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class RightsRequestStep(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = EncryptedTextField(null=True, blank=True, help_text="the officer's reason, told to the member")
    regime = models.CharField(max_length=8, choices=Regime.choices)
    due_on = models.DateField(help_text="the deadline after this step")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]


_RECORD = [LEGAL_OBLIGATION, SERVICE]  # accountability: how each request was handled, and when
_HANDLING = NotPersonal("a step of handling a request, the same for every request of its kind")
datamap.declare(
    RightsRequest,
    id=NotPersonal("random id"),
    kind=Personal(PREFERENCE, MEMBER, _RECORD, note="which right the member exercised"),
    membership=Personal(ONLINE_IDENTIFIER, GENERATED, _RECORD, note="the member the request is about"),
    requested_by=Personal(ONLINE_IDENTIFIER, GENERATED, _RECORD, note="the account that asked"),
    as_guardian=Personal(ACTIVITY, MEMBER, _RECORD),
    regime=_HANDLING,
    state=Personal(ACTIVITY, GENERATED, _RECORD),
    language=Personal(PREFERENCE, MEMBER, _RECORD),
    received_at=Personal(ACTIVITY, MEMBER, _RECORD),
    received_on=Personal(ACTIVITY, MEMBER, _RECORD),
    acknowledged_on=Personal(ACTIVITY, GENERATED, _RECORD),
    acknowledge_by=Personal(ACTIVITY, GENERATED, _RECORD),
    due_on=Personal(ACTIVITY, GENERATED, _RECORD),
    extensions=Personal(ACTIVITY, GENERATED, _RECORD),
    identity_proven_at=Personal(ACTIVITY, GENERATED, _RECORD),
    correction=Personal(NAME, MEMBER, _RECORD, note="name, date of birth or address as the member states it"),
    correction_previous=Personal(ADDRESS, INSURER, _RECORD, note="the values replaced"),
    result_reference=Personal(ONLINE_IDENTIFIER, GENERATED, _RECORD, note="the export job"),
    closed_at=Personal(ACTIVITY, GENERATED, _RECORD),
    updated_at=Personal(ACTIVITY, GENERATED, _RECORD),
)
datamap.declare(
    RightsRequestStep,
    id=NotPersonal("random id"),
    request=Personal(ACTIVITY, GENERATED, _RECORD, note="the request this step belongs to"),
    kind=Personal(ACTIVITY, GENERATED, _RECORD),
    actor=Personal(ONLINE_IDENTIFIER, GENERATED, _RECORD, note="the employee or member who acted"),
    reason=Personal(ACTIVITY, GENERATED, _RECORD, note="the officer's reason, told to the member"),
    regime=_HANDLING,
    due_on=Personal(ACTIVITY, GENERATED, _RECORD),
    at=Personal(ACTIVITY, GENERATED, _RECORD),
)
datamap.subject(RightsRequest, "membership__person", "requested_by__person")
datamap.subject(RightsRequestStep, "request__membership__person", "actor__person")
