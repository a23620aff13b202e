"""The one disclosure service (PRIV-9, BO-4): every path that lets someone outside the member area see
a member's data records it here, and the member reads the list in the privacy centre and the API.

- `disclosure_record` writes one entry (recipient, kind, purpose and categories of the data map,
  legal basis, time). Its callers: every staff access (the `members.access.STAFF_ACCESSED` hook,
  filled by `PrivacyConfig.ready`, since members sits below privacy) and the partner export
  (`privacy.partners`). `tests/privacy/test_disclosure_points.py` finds every code path that sends
  member data out and fails on one that does not call it.
- `disclosures_for` lists a person's entries as the member reads them; `disclosures_of_member` asks
  the access check first (oneself, or a guardian for a minor). The stored `reference` is read for the
  member (decision 0050): a ticket as "Ticket 12345", a message to the core system as what was sent
  and why with the date of the request it carried out, a partner export as what the list was; never
  the machine reference itself, which stays in the API's `reference` for the app.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from memberarea.core import clock, datamap
from memberarea.core.datamap import (
    ACTIVITY,
    CONTACT,
    INSURANCE,
    LEGAL_OBLIGATION,
    NAME,
    NATIONAL_ID,
    ONLINE_IDENTIFIER,
    SECURITY,
    SERVICE,
)
from memberarea.enrollment.models import Membership, Person
from memberarea.identity.models import Account, Role
from memberarea.members.access import Purpose, access_member
from memberarea.members.models import AccessReason, StaffAccess

from .models import Disclosure, LegalBasis, RecipientKind, RightsRequest

# What each staff purpose shows the employee (the back-office record and its panels), in map terms.
STAFF_PURPOSE_DATA: dict[str, tuple[str, list[str]]] = {
    Purpose.RECORD: (SERVICE, [NAME, CONTACT, NATIONAL_ID, INSURANCE, ACTIVITY]),
    Purpose.ASSIST: (SERVICE, [NAME, CONTACT, NATIONAL_ID]),
    Purpose.UNLOCK: (SECURITY, [ONLINE_IDENTIFIER, ACTIVITY]),
    Purpose.FREEZE: (SECURITY, [ONLINE_IDENTIFIER, ACTIVITY]),
    Purpose.DELIVERIES: (SERVICE, [CONTACT, ACTIVITY]),
}
REASON_BASIS = {
    AccessReason.RIGHTS_REQUEST: (LegalBasis.LEGAL_OBLIGATION, LEGAL_OBLIGATION),
    AccessReason.SECURITY_CASE: (LegalBasis.LEGITIMATE_INTEREST, SECURITY),
}


CORE_SYSTEM = "core_system"  # the recipient code of the insurer's policy administration system
# The core-system messages that carry a rights request's outcome; their reference is "<topic>:<request id>".
ERASURE_TOPIC = "core.member_erasure"
CORRECTION_TOPIC = "core.member_correction"
CORE_MESSAGE_DETAILS = {
    ERASURE_TOPIC: gettext_lazy(
        "Sent to our insurance system to carry out your erasure request: your member numbers and the date "
        "your data was erased, so that it erases your data too."
    ),
    CORRECTION_TOPIC: gettext_lazy(
        "Sent to our insurance system to apply the correction you asked for: your member numbers and the "
        "corrected details."
    ),
}
PARTNER_EXPORT_DETAIL = gettext_lazy(
    "You had agreed to share your data with our partners, so you were in the list of members we sent to this "
    "partner that day."
)
# What the API's `reference_kind` says the stored reference is.
TICKET, CORE_MESSAGE, PARTNER_EXPORT = "ticket", "core_message", "partner_export"


def disclosure_record(
    *,
    recipient: str,
    recipient_kind: RecipientKind,
    purpose: str,
    categories: Iterable[str],
    legal_basis: LegalBasis,
    person: Person | None = None,
    membership: Membership | None = None,
    at: dt.datetime | None = None,
    for_direct_marketing: bool = False,
    reference: str = "",
    role: str = "",
    reason: str = "",
    staff_access: StaffAccess | None = None,
) -> Disclosure:
    """Account for one disclosure of one person's data; `person` defaults to the membership's."""
    subject = person if person is not None else (membership.person if membership is not None else None)
    chosen = sorted(set(categories))
    if subject is None:
        raise ValueError("a disclosure is about a person: give person or membership")
    if not chosen or set(chosen) - datamap.CATEGORIES:
        raise ValueError(f"categories must be data-map categories, got {chosen!r}")
    if purpose not in datamap.PURPOSES:
        raise ValueError(f"purpose must be a data-map purpose, got {purpose!r}")
    if for_direct_marketing and recipient_kind == RecipientKind.STAFF:
        raise ValueError("staff never receive data for their own direct marketing")
    with transaction.atomic():
        return Disclosure.objects.create(
            person=subject,
            membership=membership,
            recipient=recipient,
            recipient_kind=recipient_kind,
            purpose=purpose,
            categories=chosen,
            legal_basis=legal_basis,
            for_direct_marketing=for_direct_marketing,
            reference=reference,
            role=role,
            reason=reason,
            staff_access=staff_access,
            at=at or clock.now(),
        )


def staff_access_disclose(*, record: StaffAccess, role: str) -> Disclosure:
    """The `STAFF_ACCESSED` hook: an employee opened the member's record or acted on it (BO-4)."""
    purpose, categories = STAFF_PURPOSE_DATA[record.purpose]
    basis, purpose = REASON_BASIS.get(AccessReason(record.reason), (LegalBasis.CONTRACT, purpose))
    return disclosure_record(
        membership=record.membership,
        recipient=role,
        recipient_kind=RecipientKind.STAFF,
        purpose=purpose,
        categories=categories,
        legal_basis=basis,
        at=record.at,
        reference=record.ticket,
        role=role,
        reason=record.reason,
        staff_access=record,
    )


def core_system_disclose(*, person: Person, categories: Iterable[str], reference: str) -> Disclosure:
    """A rights request's outcome queued for the insurer's core system (a correction, an erasure):
    accounted for in the transaction that queues the integration message, so neither exists alone."""
    return disclosure_record(
        person=person,
        recipient=CORE_SYSTEM,
        recipient_kind=RecipientKind.INSURER,
        purpose=datamap.LEGAL_OBLIGATION,
        categories=categories,
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        reference=reference,
    )


# --- reading -------------------------------------------------------------------------------------
def _recipient_label(entry: Disclosure) -> str:
    if entry.recipient_kind == RecipientKind.STAFF:
        return str(Role(entry.role).label) if entry.role in Role.values else _("An employee")
    if entry.recipient == CORE_SYSTEM and entry.recipient_kind == RecipientKind.INSURER:
        return _("The insurer's policy administration system")
    return entry.recipient


def _request_of(entry: Disclosure) -> str:
    """The rights request id a core-system message's reference names ("<topic>:<id>"), or ""."""
    _topic, _colon, request_id = entry.reference.partition(":")
    try:
        return str(uuid.UUID(request_id))
    except ValueError:
        return ""


def _reference_read(entry: Disclosure, received: dict[str, dt.date]) -> dict[str, str]:
    """The stored reference as the member can read and quote it; `received`: request id → day received."""
    if entry.recipient_kind == RecipientKind.STAFF:
        ticket = entry.reference.strip()
        label = _("Ticket %(ticket)s") % {"ticket": ticket} if ticket else ""
        return {"reference_kind": TICKET if ticket else "", "reference_label": label, "detail": ""}
    if entry.recipient == CORE_SYSTEM and entry.recipient_kind == RecipientKind.INSURER:
        topic = entry.reference.partition(":")[0]
        day = received.get(_request_of(entry))
        label = _("Your request received on %(day)s") % {"day": formats.date_format(day)} if day else ""
        detail = CORE_MESSAGE_DETAILS.get(topic, _("Sent to our insurance system."))
        return {"reference_kind": CORE_MESSAGE, "reference_label": label, "detail": str(detail)}
    if entry.recipient_kind == RecipientKind.THIRD_PARTY and entry.for_direct_marketing:
        return {"reference_kind": PARTNER_EXPORT, "reference_label": "", "detail": str(PARTNER_EXPORT_DETAIL)}
    return {"reference_kind": "", "reference_label": "", "detail": ""}


def _requests_received(entries: list[Disclosure]) -> dict[str, dt.date]:
    """The day each rights request named by a core-system message was received, in one query."""
    ids = {_request_of(entry) for entry in entries if entry.recipient == CORE_SYSTEM} - {""}
    found = RightsRequest.objects.filter(pk__in=ids).values_list("pk", "received_on") if ids else []
    return {str(pk): day for pk, day in found}


def disclosure_view(entry: Disclosure, received: dict[str, dt.date]) -> dict[str, Any]:
    """One entry as the member reads it: labels in the active language, codes beside them for the API;
    `received` holds the day each rights request its reference names was received (`_requests_received`)."""
    return {
        "id": str(entry.id),
        "at": entry.at,
        "recipient": _recipient_label(entry),
        "recipient_kind": entry.recipient_kind,
        "recipient_kind_label": str(RecipientKind(entry.recipient_kind).label),
        "role": entry.role,
        "reason": entry.reason,
        "reason_label": str(AccessReason(entry.reason).label) if entry.reason in AccessReason.values else "",
        "purpose": entry.purpose,
        "purpose_label": str(datamap.PURPOSE_LABELS.get(entry.purpose, entry.purpose)),
        "categories": list(entry.categories),
        "category_labels": [str(datamap.CATEGORY_LABELS.get(code, code)) for code in entry.categories],
        "legal_basis": entry.legal_basis,
        "legal_basis_label": str(LegalBasis(entry.legal_basis).label),
        "for_direct_marketing": entry.for_direct_marketing,
        "reference": entry.reference,
        **_reference_read(entry, received),
    }


def disclosures_for(person: Person) -> list[dict[str, Any]]:
    """Every disclosure of the person's data, newest first."""
    entries = list(Disclosure.objects.filter(person=person).order_by("-at", "-id"))
    received = _requests_received(entries)
    return [disclosure_view(entry, received) for entry in entries]


def disclosures_of_member(*, actor: Account, member_id: uuid.UUID) -> tuple[Membership, list[dict[str, Any]]]:
    """The list for a member the actor may act for (oneself, or a minor as guardian); else NOT_FOUND."""
    membership = access_member(actor=actor, member_id=member_id, purpose=Purpose.VIEW).membership
    return membership, disclosures_for(membership.person)
