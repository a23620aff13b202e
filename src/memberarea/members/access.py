"""The one access check for member data (GUARD-1..3, BO-1, BO-4): who may act for which member.

Every view, API endpoint, export and download that reads or writes a member's data asks
`access_member(actor=…, member_id=…, purpose=…)` and uses only the membership it returns:

- a member reaches their own memberships;
- a guardian reaches a minor on the same policy while the minor is under 18 — decided now, at the
  request, in the insurer's time zone (born on 29 February: of age on 1 March);
- staff reach a member only for a purpose their role holds in the BO-1 table, and opening a record
  needs a reason from the list and a ticket reference; each such access is recorded (BO-4).

Anything else is NOT_FOUND, never FORBIDDEN, so ids of other members cannot be probed.
"""

import datetime as dt
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Q
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import FORBIDDEN, INVALID, NOT_FOUND, MemberAreaError, id_parse
from memberarea.core.rows import row_or_none
from memberarea.enrollment.identifiers import is_minor
from memberarea.enrollment.models import Guardianship, Membership
from memberarea.identity.models import Account, Role

from .models import AccessReason, StaffAccess


class Purpose:
    """What the actor wants to do with the member's data; staff purposes follow the BO-1 table."""

    VIEW = "view"  # the member area: dashboard, card, contacts (self and guardians)
    RECORD = "record"  # staff: open the member's record
    ASSIST = "assist"  # staff: change username/document, update email/mobile, resend welcome
    UNLOCK = "unlock"  # staff: unlock sign-in, end the member's sessions
    FREEZE = "freeze"  # staff: freeze the account
    DELIVERIES = "deliveries"  # staff: delivery status of the member's messages, never their content


STAFF_PURPOSES: dict[str, set[str]] = {
    Role.AGENT: {Purpose.RECORD, Purpose.ASSIST, Purpose.UNLOCK, Purpose.DELIVERIES},
    Role.PRIVACY_OFFICER: {Purpose.RECORD},
    Role.SECURITY_OFFICER: {Purpose.RECORD, Purpose.UNLOCK, Purpose.FREEZE, Purpose.DELIVERIES},
    Role.ADMINISTRATOR: set(),
    Role.MARKETING: set(),  # campaigns and their counts only, never a member (BO-1)
}


TICKET_MAX = 64  # characters of a ticket reference


def roles_for(purpose: str) -> tuple[str, ...]:
    """The roles whose BO-1 row holds `purpose` (the table above, once)."""
    return tuple(role for role, purposes in STAFF_PURPOSES.items() if purpose in purposes)


class StaffAccessedHook(Protocol):
    def __call__(self, *, record: StaffAccess, role: str) -> object: ...


# Called inside the transaction of every staff access, after its row exists; filled by upper apps'
# AppConfig.ready (the privacy app accounts for it as a disclosure the member sees, PRIV-9).
STAFF_ACCESSED: list[StaffAccessedHook] = []


def _reason_required() -> MemberAreaError:
    """A fresh error per refusal: a shared instance would carry one request's traceback into the next."""
    return MemberAreaError(
        INVALID,
        fields={
            "reason": [_("Choose why you are opening this record.")],
            "ticket": [_("Give the ticket reference of the member's request.")],
        },
    )


@dataclass(frozen=True)
class Access:
    """A granted access: the membership, and how the actor holds it."""

    membership: Membership
    relation: str  # "self" | "guardian" | "staff"
    record: StaffAccess | None = None  # staff: the access row (reason, ticket), for the audit log


def _membership(member_id: uuid.UUID) -> Membership:
    member_uuid = id_parse(member_id)  # the edges convert; this stays safe for any caller
    membership = row_or_none(Membership.objects.select_related("person", "policy").filter(pk=member_uuid))
    if membership is None:
        raise MemberAreaError(NOT_FOUND)
    return membership


def today() -> dt.date:
    return clock.today_in(settings.INSURER_TIME_ZONE)


def guardian_may_act(guardian_account: Account, minor: Membership) -> bool:
    """A guardianship from one of the account's memberships, on the minor's policy, while still a minor."""
    if not is_minor(minor.person.date_of_birth, today()):
        return False
    return Guardianship.objects.filter(
        minor=minor, guardian__person__account=guardian_account, guardian__policy_id=minor.policy_id
    ).exists()


def access_member(*, actor: Account, member_id: uuid.UUID, purpose: str, reason: str = "", ticket: str = "") -> Access:
    """Grant `actor` access to the member for `purpose`, or raise NOT_FOUND / FORBIDDEN / INVALID."""
    if actor is None or not actor.is_authenticated:
        raise MemberAreaError(NOT_FOUND)
    membership = _membership(member_id)
    if purpose != Purpose.VIEW:
        if not actor.is_staff:
            raise MemberAreaError(NOT_FOUND)
        return _staff_access(actor, membership, purpose, reason, ticket)
    if membership.person.account_id == actor.pk:
        return Access(membership, "self")
    if guardian_may_act(actor, membership):
        return Access(membership, "guardian")
    raise MemberAreaError(NOT_FOUND)  # staff included: they read member data in the back office only


def _staff_access(actor: Account, membership: Membership, purpose: str, reason: str, ticket: str) -> Access:
    if not any(purpose in STAFF_PURPOSES.get(role, set()) for role in actor.roles):
        raise MemberAreaError(FORBIDDEN)
    ticket = (ticket or "").strip()
    if reason not in AccessReason.values or not ticket or len(ticket) > TICKET_MAX:
        raise _reason_required()
    with transaction.atomic():
        record = StaffAccess.objects.create(
            staff=actor, membership=membership, purpose=purpose, reason=reason, ticket=ticket, at=clock.now()
        )
        audit_record(
            event="staff.member_accessed",
            actor_id=str(actor.pk),
            subject_id=str(membership.pk),
            data={"purpose": purpose, "reason": reason, "access": str(record.pk)},
        )
        role = min(held for held in actor.roles if purpose in STAFF_PURPOSES.get(held, set()))  # checked above
        for hook in STAFF_ACCESSED:
            hook(record=record, role=role)
    return Access(membership, "staff", record)


def members_for(account: Account) -> list[Access]:
    """The members this account may act for in the member area: itself first, then its minors (GUARD-1).

    Its own membership is the current one (the newest that has not ended); the minors are those of
    its guardianships on the same policy who are still minors today. Both lists are a person's few
    rows and are sorted here: an ORDER BY on these wide joined rows costs Django more CPU than the
    query itself (it hashes every selected column, PERF-3).
    """
    links = Guardianship.objects.filter(guardian__person__account=account, guardian__policy_id=F("minor__policy_id"))
    current = Membership.objects.select_related("person", "policy").filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today()), person__account=account
    )
    # Whether the account is a guardian at all comes with its own membership: most accounts are not,
    # and they are spared the query for minors.
    own = max(current.annotate(guardian=Exists(links)), key=lambda membership: membership.start_date, default=None)
    if own is None:
        return []
    if not own.guardian:
        return [Access(own, "self")]
    links = links.select_related("minor__person", "minor__policy")
    minors = sorted(
        (link.minor for link in links if is_minor(link.minor.person.date_of_birth, today())),
        key=lambda minor: (_name_order(minor.first_name), minor.member_number),
    )
    return [Access(own, "self"), *(Access(minor, "guardian") for minor in minors)]


def _name_order(name: str) -> tuple[str, str]:
    """Alphabetical as people read it, whatever the database's collation: "Álvaro" before "Bruno"."""
    letters = unicodedata.normalize("NFKD", name)
    return "".join(c for c in letters if not unicodedata.combining(c)).casefold(), name


def access_among(reachable: list[Access], member_id: uuid.UUID) -> Access | None:
    """The member's entry in `members_for`'s list, if there: the grant `access_member` gives for
    VIEW (self for the current own membership, guardian for a minor on the guardian's policy), with
    no second read of the membership; None means ask `access_member` (an ended own membership)."""
    member_uuid = id_parse(member_id)
    return next((access for access in reachable if access.membership.pk == member_uuid), None)
