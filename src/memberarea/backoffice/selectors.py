"""What staff pages read: masked search results, a record once access is granted, the audit log,
delivery states — ids, codes and dates of messages, never their content or address."""

import datetime as dt
import re
import uuid
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from memberarea.core import clock
from memberarea.core.labels import event_label
from memberarea.core.masking import BULLETS, mask_email, mask_phone
from memberarea.core.models import AuditEntry
from memberarea.core.ratelimit import lock_active
from memberarea.core.tasks import WORKER_LOST, tasks_failed
from memberarea.enrollment.identifiers import (
    InvalidContact,
    InvalidDocument,
    document_index,
    document_normalise,
    email_index,
    email_normalise,
    mobile_index,
    mobile_normalise,
    name_word_index,
    name_words,
    normalise_number,
)
from memberarea.enrollment.models import DocumentType, Membership, NameToken
from memberarea.identity.flows.login import login_failures_count
from memberarea.identity.models import Account, Role, SecurityCase, SessionRecord
from memberarea.members.models import AccessReason, StaffAccess
from memberarea.notifications.models import IntegrationMessage, Message
from memberarea.notifications.selectors import STATUS_FIELDS, integration_messages_failed, messages_failed
from memberarea.privacy.selectors import restricted_accounts

from .labels import CASE_REASON_LABELS
from .models import StaffProfile

SEARCH_LIMIT = 50
QUERY_MAX = 100
NAME_WORDS_MIN = 2  # a first name and a surname: one common surname alone would list too many members
NAME_WORDS_MAX = 6
PHONE_LIKE = re.compile(r"[\d\s().+\-]{9,24}")
AUDIT_LIMIT = 200
AUDIT_PAGE_SIZE = 50
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
    """Exact matches only, so a search cannot be used to browse (BO-2): member number, policy number
    or identity document (NIF or NIE), email or mobile — each typed any way, through the normalisers
    and blind indexes — or a name, every word of which must be a whole word of the member's names
    (accents and case ignored; at least NAME_WORDS_MIN words). One query."""
    query = (query or "").strip()[:QUERY_MAX]
    matches = _number_matches(query) | _contact_matches(query) | _name_matches(query)
    if not matches:
        return []
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


def _number_matches(query: str) -> Q:
    number = normalise_number(query[:40])
    if not number:
        return Q()
    indexes = []
    for document_type in (DocumentType.NIF, DocumentType.NIE):
        try:
            indexes.append(document_index(*document_normalise(document_type, number)))
        except InvalidDocument:
            continue
    return Q(member_number=number) | Q(policy__number=number) | Q(person__document_index__in=indexes)


def _contact_matches(query: str) -> Q:
    if "@" in query:
        try:
            return Q(email_index=email_index(email_normalise(query)))
        except InvalidContact:
            return Q()
    if not PHONE_LIKE.fullmatch(query):
        return Q()
    try:
        return Q(mobile_index=mobile_index(mobile_normalise(query)))
    except InvalidContact:
        return Q()


def name_search_words(query: str) -> list[str]:
    """The words a name search looks for; empty when the query is not a name or is too short."""
    words = name_words(query)
    if len(words) < NAME_WORDS_MIN or not any(ch.isalpha() for ch in query):
        return []
    return words[:NAME_WORDS_MAX]


def name_query_too_short(query: str) -> bool:
    """A query that reads as a name of fewer than NAME_WORDS_MIN words (the page says what is needed)."""
    return "@" not in query and any(ch.isalpha() for ch in query) and len(name_words(query)) < NAME_WORDS_MIN


def _name_matches(query: str) -> Q:
    words = name_search_words(query)
    if not words:
        return Q()
    tokens = {name_word_index(word) for word in words}
    every_word = (
        NameToken.objects.filter(token__in=tokens)
        .values("membership")
        .annotate(found=Count("token", distinct=True))
        .filter(found=len(tokens))
        .values("membership")
    )
    return Q(pk__in=every_word)


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
        # PRIV-8: while restricted, nothing non-essential is done with the data; staff must see it.
        "restricted": restricted_accounts().filter(pk=account.pk).exists(),
    }


def troubleshooting(membership: Membership) -> dict:
    """The panel of BO-3: lock state, failures counted in this window, the last deliveries' states —
    every message linked to the member's account or to any membership of the person (codes too)."""
    account = membership.person.account
    about = Q(membership__person_id=membership.person_id) | Q(subject_id=str(membership.pk))
    if account is not None:
        about |= Q(account=account) | Q(subject_id=str(account.pk))
    deliveries = Message.objects.filter(about).only(*STATUS_FIELDS).order_by("-created_at")
    return {
        "locked": account is not None and lock_active("login", account.username_index),
        "failures": login_failures_count(account) if account is not None else 0,
        "deliveries": list(deliveries[:DELIVERIES_SHOWN]),
    }


# --- the audit log (BO-5) -----------------------------------------------------------------------
@dataclass(frozen=True)
class AuditFilters:
    """What the audit page filters by; every field optional. Dates are days in the insurer's zone."""

    member: str = ""  # a member number, or a membership, person or account id
    actor: str = ""  # a staff account id
    event: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    event: str
    actor: str
    subject: str
    reason: str
    ticket: str


def audit_entries(*, viewer: Account, filters: AuditFilters = AuditFilters()) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, filtered; agents and marketing read only their own actions (BO-1)."""
    entries = AuditEntry.objects.order_by("-seq")
    actor = filters.actor if viewer.roles & AUDIT_READERS_OF_ALL else str(viewer.pk)
    if actor:
        entries = entries.filter(actor_id=actor[:64])
    if filters.member:
        entries = entries.filter(subject_id__in=_member_ids(filters.member[:64]))
    if filters.event:
        entries = entries.filter(event=filters.event)
    zone = zoneinfo.ZoneInfo(settings.INSURER_TIME_ZONE)
    if filters.since:
        entries = entries.filter(at__gte=dt.datetime.combine(filters.since, dt.time(), zone))
    if filters.until:
        entries = entries.filter(at__lt=dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), zone))
    return entries


def audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    """One page of entries as staff read them: event names, staff usernames, member numbers, the
    reason and the ticket reference of the access an action was done under — three queries."""
    ids = {value for entry in entries for value in (entry.actor_id, entry.subject_id) if _is_uuid(value)}
    accesses = {str(entry.data.get("access")) for entry in entries if _is_uuid(str(entry.data.get("access")))}
    access_rows = StaffAccess.objects.filter(pk__in=accesses).values_list("pk", "ticket")
    tickets = {str(pk): ticket for pk, ticket in access_rows}
    staff_rows = Account.objects.filter(pk__in=ids, staff_roles__isnull=False).distinct().only("id", "username")
    staff = {str(account.pk): account.username for account in staff_rows}  # usernames are sealed: per row
    numbers: dict[str, str] = {}
    rows = Membership.objects.filter(Q(pk__in=ids) | Q(person_id__in=ids) | Q(person__account_id__in=ids))
    for values in rows.order_by("start_date").values_list("pk", "person_id", "person__account_id", "member_number"):
        for key in values[:3]:
            if key is not None:
                numbers[str(key)] = values[3]
    reasons = dict(AccessReason.choices)
    return [
        AuditRow(
            at=entry.at,
            event=event_label(entry.event),
            actor=_who(entry.actor_id, staff, numbers),
            subject=_who(entry.subject_id, staff, numbers),
            reason=str(reasons.get(entry.data.get("reason"), "")),
            ticket=tickets.get(str(entry.data.get("access")), ""),
        )
        for entry in entries
    ]


def _who(value: str, staff: dict[str, str], numbers: dict[str, str]) -> str:
    if value in staff:
        return staff[value]
    if value in numbers:
        return _("member %(number)s") % {"number": numbers[value]}
    if value == "system":
        return _("the system")
    if not value:
        return "—"
    return value[:8] + "…" if _is_uuid(value) else value


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _member_ids(member: str) -> set[str]:
    """The ids one member is audited under: its memberships, its person and its account; `member` is
    one of those ids or a member number."""
    try:
        key = uuid.UUID(member)
    except ValueError:
        related = Membership.objects.filter(person__memberships__member_number=normalise_number(member))
    else:
        related = Membership.objects.filter(Q(pk=key) | Q(person_id=key) | Q(person__account_id=key))
    rows = related.values_list("pk", "person_id", "person__account_id")
    return {member} | {str(value) for row in rows for value in row if value is not None}


def deliveries_failed() -> QuerySet[Message]:
    return messages_failed()[:AUDIT_LIMIT]


def core_system_messages_failed() -> QuerySet[IntegrationMessage]:
    return integration_messages_failed()[:AUDIT_LIMIT]


def background_tasks_failed() -> list[dict]:
    """Queued tasks that gave up (decision 0029): what, how many attempts, when, and whether the worker
    kept stopping or the task raised. Never the arguments nor the traceback."""
    return [
        {
            "task_path": row.task_path,
            "attempts": len(row.worker_ids),
            "finished_at": row.finished_at,
            "worker_lost": row.exception_class_path == WORKER_LOST,
            "error": row.exception_class_path.rpartition(".")[2],
        }
        for row in tasks_failed()[:AUDIT_LIMIT]
    ]


def staff_choices() -> list[tuple[str, str]]:
    """(account id, username) of every staff account, for the audit log's filter."""
    rows = Account.objects.filter(staff_roles__isnull=False).distinct().only("id", "username")
    return sorted(((str(account.pk), account.username) for account in rows), key=lambda choice: choice[1])


def staff_accounts() -> QuerySet[Account]:
    return (
        Account.objects.filter(staff_roles__isnull=False)
        .distinct()
        .select_related("staff_profile")
        .prefetch_related("staff_roles")
        .order_by("created_at")
    )


def staff_contact(account: Account) -> tuple[str, str] | None:
    """(work email, name) of a staff member, where their sign-in codes go (BO-1); None without one.
    Identity asks through its STAFF_CONTACT hook, which BackofficeConfig.ready points here."""
    profile = StaffProfile.objects.filter(account=account).only("email", "display_name").first()
    return (profile.email, profile.display_name) if profile is not None and profile.email else None


@dataclass(frozen=True)
class OpenCase:
    """A security case waiting for the security officer (PRIV-13): never the member's name, only a link."""

    opened_at: dt.datetime
    age: dt.timedelta
    reason: str
    membership_id: uuid.UUID | None  # the record to open (with a reason); None for an account with no membership


def security_cases_open() -> list[OpenCase]:
    """Open cases, oldest first, with how long each has waited by the injected clock."""
    now = clock.now()
    cases = SecurityCase.objects.filter(closed_at__isnull=True).select_related("account").order_by("opened_at")
    newest = {}
    memberships = Membership.objects.filter(person__account_id__in=cases.values("account_id"))
    for account_id, membership_id in memberships.order_by("start_date", "created_at").values_list(
        "person__account_id", "pk"
    ):
        newest[account_id] = membership_id
    return [
        OpenCase(
            opened_at=case.opened_at,
            age=now - case.opened_at,
            reason=str(CASE_REASON_LABELS.get(case.reason, case.reason)),
            membership_id=newest.get(case.account_id),
        )
        for case in cases
    ]
