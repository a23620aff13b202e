"""What staff pages read: masked search results, a record once access is granted, the audit log,
delivery states — ids, codes and dates of messages, never their content or address."""

import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from memberarea.core import clock
from memberarea.core.masking import BULLETS, mask_email, mask_phone
from memberarea.core.models import AuditEntry
from memberarea.core.ratelimit import lock_active
from memberarea.enrollment.identifiers import InvalidDocument, document_index, document_normalise, normalise_number
from memberarea.enrollment.models import DocumentType, Membership
from memberarea.identity.flows.login import login_failures_count
from memberarea.identity.models import Account, Role, SessionRecord
from memberarea.notifications.models import Message
from memberarea.notifications.selectors import STATUS_FIELDS, messages_failed

SEARCH_LIMIT = 50
AUDIT_LIMIT = 200
DELIVERIES_SHOWN = 10
AUDIT_READERS_OF_ALL = {Role.PRIVACY_OFFICER, Role.SECURITY_OFFICER, Role.ADMINISTRATOR}


@dataclass(frozen=True)
class MemberHit:
    """One search result: enough to tell members apart on the phone, too little to learn about them."""

    membership_id: str
    initials: str
    member_number: str
    policy_number: str
    email: str
    mobile: str


def _initials(first_name: str, last_name: str) -> str:
    """ "María José", "Ortega Ruiz" → "M. J. O."."""
    return " ".join(f"{word[:1]}." for word in [*first_name.split(), *last_name.split()[:1]])


def members_search(query: str) -> list[MemberHit]:
    """Exact match on member number, policy number or identity document (NIF or NIE), through the
    normalisers and the blind index: no partial matches, so a search cannot be used to browse."""
    number = normalise_number((query or "")[:40])
    if not number:
        return []
    indexes = []
    for document_type in (DocumentType.NIF, DocumentType.NIE):
        try:
            indexes.append(document_index(*document_normalise(document_type, number)))
        except InvalidDocument:
            continue
    matches = Q(member_number=number) | Q(policy__number=number) | Q(person__document_index__in=indexes)
    memberships = Membership.objects.select_related("policy").filter(matches).order_by("member_number")
    return [
        MemberHit(
            membership_id=str(m.pk),
            initials=_initials(m.first_name, m.last_name),
            member_number=m.member_number,
            policy_number=m.policy.number,
            email=mask_email(m.email or ""),
            mobile=mask_phone(m.mobile or ""),
        )
        for m in memberships[:SEARCH_LIMIT]
    ]


def mask_document(number: str) -> str:
    """`Y2468135L` → `Y•••L`: the first and the last character only."""
    return f"{number[:1]}{BULLETS}{number[-1:]}" if number else ""


def member_record(membership: Membership) -> dict:
    """The record shown once access for RECORD is granted: names, contacts, masked document, policy,
    and the account's state."""
    person = membership.person
    account = person.account
    return {
        "membership_id": str(membership.pk),
        "first_name": membership.first_name,
        "last_name": membership.last_name,
        "member_number": membership.member_number,
        "relationship": membership.get_relationship_display(),
        "email": membership.email or "",
        "mobile": membership.mobile or "",
        "document_type": person.get_document_type_display() if person.document_type else "",
        "document": mask_document(person.document_number or ""),
        "policy_number": membership.policy.number,
        "policy_type": membership.policy.get_type_display(),
        "policy_status": membership.policy.get_status_display(),
        "start_date": membership.start_date,
        "end_date": membership.end_date,
        "account": account_state(account) if account is not None else None,
    }


def account_state(account: Account) -> dict:
    now = clock.now()
    live = SessionRecord.objects.filter(account=account, ended_at__isnull=True, expires_at__gt=now)
    return {
        "frozen": account.frozen_at is not None,
        "locked": lock_active("login", account.username_index),
        "active": account.is_active,
        "sessions": live.count(),
    }


def troubleshooting(membership: Membership) -> dict:
    """The panel of BO-3: lock state, failures counted in this window, the last deliveries' states."""
    account = membership.person.account
    subjects = [str(membership.pk)] + ([str(account.pk)] if account is not None else [])
    deliveries = Message.objects.filter(subject_id__in=subjects).only(*STATUS_FIELDS).order_by("-created_at")
    return {
        "locked": account is not None and lock_active("login", account.username_index),
        "failures": login_failures_count(account) if account is not None else 0,
        "deliveries": list(deliveries[:DELIVERIES_SHOWN]),
    }


def audit_entries(*, viewer: Account, subject: str = "", actor: str = "") -> QuerySet[AuditEntry]:
    """Audit entries, newest first, about one member (any of its membership, person and account ids)
    and/or by one employee. Agents read only their own actions (BO-1)."""
    entries = AuditEntry.objects.order_by("-seq")
    if not viewer.roles & AUDIT_READERS_OF_ALL:
        actor = str(viewer.pk)
    if actor:
        entries = entries.filter(actor_id=actor[:64])
    if subject:
        entries = entries.filter(subject_id__in=_member_ids(subject[:64]))
    return entries[:AUDIT_LIMIT]


def _member_ids(subject: str) -> set[str]:
    """The ids one member is audited under: its memberships, its person and its account."""
    try:
        key = uuid.UUID(subject)
    except ValueError:
        return {subject}
    related = Membership.objects.filter(Q(pk=key) | Q(person_id=key) | Q(person__account_id=key)).values_list(
        "pk", "person_id", "person__account_id"
    )
    return {subject} | {str(value) for row in related for value in row if value is not None}


def deliveries_failed() -> QuerySet[Message]:
    return messages_failed()[:AUDIT_LIMIT]


def staff_accounts() -> QuerySet[Account]:
    return (
        Account.objects.filter(staff_roles__isnull=False)
        .distinct()
        .select_related("staff_profile")
        .prefetch_related("staff_roles")
        .order_by("created_at")
    )
