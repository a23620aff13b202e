"""The accounting of disclosures (PRIV-9) and the partner exports that make some of them (decision 0036).

Kept apart from `models.py` (imported from there, so Django finds them) because that module is
already near 400 lines and every part of the privacy centre adds to it.

`Disclosure` is one row per person per disclosure: who received data about the person (a staff
role, a partner, a service provider), for which purpose of the data map, which categories, on
which legal basis and when. Only `privacy.disclosures.disclosure_record` writes it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from memberarea.core import datamap
from memberarea.core.datamap import (
    ACTIVITY,
    GENERATED,
    INSURANCE,
    LEGAL_OBLIGATION,
    MARKETING,
    ONLINE_IDENTIFIER,
    NotPersonal,
    Personal,
)


class RecipientKind(models.TextChoices):
    """Who received the data (PRIV-9): the kinds the notice names."""

    AFFILIATE = "affiliate", _("A company of our group")
    SERVICE_PROVIDER = "service_provider", _("A service provider working for us")
    PLAN_SPONSOR = "plan_sponsor", _("The sponsor of your plan")
    THIRD_PARTY = "third_party", _("A partner, for its own purposes")
    STAFF = "staff", _("Our staff")
    INSURER = "insurer", _("Your insurer's main systems")


class LegalBasis(models.TextChoices):
    """Why the disclosure is lawful (GDPR art. 6)."""

    CONSENT = "consent", _("Your consent")
    CONTRACT = "contract", _("Your insurance contract")
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Our legitimate interest in keeping your account safe")


class Disclosure(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("enrollment.Person", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        "enrollment.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.CharField(max_length=150, help_text="the partner's or system's name; a role for staff")
    recipient_kind = models.CharField(max_length=24, choices=RecipientKind.choices)
    purpose = models.CharField(max_length=32, help_text="a purpose of the data map (core.datamap.PURPOSES)")
    categories = models.JSONField(help_text="data-map category codes")
    legal_basis = models.CharField(max_length=24, choices=LegalBasis.choices)
    for_direct_marketing = models.BooleanField(default=False, help_text="for the recipient's own direct marketing")
    reference = models.CharField(max_length=64, blank=True, help_text="ticket, export or message reference")
    role = models.CharField(max_length=32, blank=True, help_text="staff: the role the access was made in")
    reason = models.CharField(max_length=32, blank=True, help_text="staff: the reason chosen at the gate")
    staff_access = models.OneToOneField(
        "members.StaffAccess", null=True, blank=True, on_delete=models.CASCADE, related_name="disclosure"
    )
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["person", "-at"], name="disclosures_of_person"),
            models.Index(fields=["person", "for_direct_marketing", "at"], name="marketing_disclosures"),
        ]


class PartnerExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be built")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    WITHDRAWN = "withdrawn", _("Withdrawn: someone in it had their data erased")


class PartnerExport(models.Model):
    """A privacy officer's export of the consenting adults for one configured partner (PRIV-9)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.CharField(max_length=32, help_text="the id of a partner in PRIVACY_PARTNERS")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=PartnerExportState.choices, default=PartnerExportState.QUEUED)
    finished_at = models.DateTimeField(null=True, blank=True)
    members = models.PositiveIntegerField(null=True, blank=True, help_text="how many people the file holds")
    file = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-requested_at"]


datamap.declare(
    Disclosure,
    id=NotPersonal("random id"),
    person=Personal(INSURANCE, GENERATED, [LEGAL_OBLIGATION], note="whose data was disclosed"),
    membership=Personal(INSURANCE, GENERATED, [LEGAL_OBLIGATION]),
    recipient=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION], note="who received the member's data"),
    recipient_kind=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION]),
    purpose=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION]),
    categories=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION], note="which kinds of data were disclosed"),
    legal_basis=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION]),
    for_direct_marketing=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION, MARKETING]),
    reference=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION], note="ticket or export reference"),
    role=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION], note="the employee's role, never their name"),
    reason=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION]),
    staff_access=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION]),
    at=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION]),
)
datamap.declare(
    PartnerExport,
    id=NotPersonal("random id"),
    partner=NotPersonal("a configured partner's id"),
    requested_by=Personal(ONLINE_IDENTIFIER, GENERATED, [LEGAL_OBLIGATION], note="the privacy officer"),
    requested_at=NotPersonal("when an export was asked for"),
    state=NotPersonal("a step of building the export"),
    finished_at=NotPersonal("when the export was built"),
    members=NotPersonal("a count of people"),
    file=NotPersonal("the stored file; its rows are accounted for as disclosures, one per person"),
)
datamap.subject(Disclosure, "person")
datamap.subject(PartnerExport, "requested_by__person")
datamap.retain(Disclosure, datamap.LEGAL_RECORD)  # the accounting of disclosures is itself the proof
