"""What the member area keeps of its own: the record of every staff access to a member (BO-4).

Each row answers "who opened my record, when and why" for the member's disclosures list (PRIV-9),
so it holds the staff account, the membership, the purpose, the reason from the list and the ticket
reference — ids and codes only.
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
    ONLINE_IDENTIFIER,
    SECURITY,
    NotPersonal,
    Personal,
)


class AccessReason(models.TextChoices):
    """Why an employee opens a member's record (BO-4); the list is the insurer's to extend."""

    MEMBER_CALLED = "member_called", _("The member called or wrote to us")
    ASSISTED_CHANGE = "assisted_change", _("An assisted change the member asked for")
    SECURITY_CASE = "security_case", _("A security case")
    RIGHTS_REQUEST = "rights_request", _("A privacy rights request")
    DELIVERY_PROBLEM = "delivery_problem", _("A message that did not arrive")


class StaffAccess(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey("enrollment.Membership", on_delete=models.CASCADE, related_name="staff_accesses")
    purpose = models.CharField(max_length=32)
    reason = models.CharField(max_length=32, choices=AccessReason.choices)
    ticket = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["membership", "-at"], name="staff_access_by_member")]


datamap.declare(
    StaffAccess,
    id=NotPersonal("random id"),
    staff=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY, LEGAL_OBLIGATION], note="the employee"),
    membership=Personal(INSURANCE, GENERATED, [SECURITY, LEGAL_OBLIGATION]),
    purpose=Personal(ACTIVITY, GENERATED, [SECURITY, LEGAL_OBLIGATION]),
    reason=Personal(ACTIVITY, GENERATED, [SECURITY, LEGAL_OBLIGATION]),
    ticket=Personal(ACTIVITY, GENERATED, [SECURITY, LEGAL_OBLIGATION], note="customer-service ticket reference"),
    at=Personal(ACTIVITY, GENERATED, [SECURITY, LEGAL_OBLIGATION]),
)
datamap.subject(StaffAccess, "membership__person")
