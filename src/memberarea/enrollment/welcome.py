"""Welcome messages for new memberships (ENR-3), queued in the importing transaction.

Who gets what:
- an adult's new membership with an email → `welcome` (member number, policy number, how to
  register) in the member's language;
- a minor's → `welcome` to each guardian with an email, in the guardian's language;
- a person who already had an account when this membership began (re-joining), or who has another
  membership too → `welcome_rejoined` ("your new membership is linked to your account"); a member
  who registered after this membership was imported is not a re-joiner and gets `welcome`;
- a membership that has already ended, or is on an ended policy → nothing.

Throttling: at most ENROLLMENT_WELCOME_PER_MINUTE welcome emails fall due per minute of one
import; later ones get a later `next_attempt_at`, so a big delta does not flood the mail server
(or the insurer's reputation with it) while sign-in codes keep flowing.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings

from memberarea.core import clock
from memberarea.core.links import register_url, sign_in_url
from memberarea.notifications.models import Channel, Kind
from memberarea.notifications.services import message_enqueue

from .identifiers import is_minor
from .models import Guardianship, Membership, PolicyStatus, WelcomeState


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    first_name: str
    is_guardian: bool = False


def welcome_template(membership: Membership) -> str:
    """The one rule, for the import and for the back office's resend: `welcome_rejoined` only for a
    person whose account is older than this membership (a re-joiner, or a REG-2 link), or who holds
    another membership as well; every other member — registered since or not — gets `welcome`."""
    account = membership.person.account
    if account is None:
        return "welcome"
    if account.created_at < membership.created_at:
        return "welcome_rejoined"
    others = Membership.objects.filter(person_id=membership.person_id).exclude(pk=membership.pk)
    return "welcome_rejoined" if others.exists() else "welcome"


def welcome_recipients(membership: Membership, *, today: dt.date, guardians: list[Membership] | None = None):
    """The addresses a membership's welcome goes to: its own, or its guardians' for a minor."""
    if is_minor(membership.person.date_of_birth, today):
        if guardians is None:
            guardians = [g.guardian for g in membership.guardianships.select_related("guardian")]
        return [
            Recipient(g.email, g.language, g.first_name, is_guardian=True)
            for g in guardians
            if g.email and (g.end_date is None or g.end_date >= today)
        ]
    return [Recipient(membership.email, membership.language, membership.first_name)] if membership.email else []


class WelcomeSender:
    """Queues welcome messages, spacing them to the configured rate over the import."""

    def __init__(self, *, per_minute: int | None = None) -> None:
        self.per_minute = max(1, per_minute or settings.ENROLLMENT_WELCOME_PER_MINUTE)
        self.started_at = clock.now()
        self.queued = 0

    def send_new(self, memberships: list[Membership], *, today: dt.date) -> int:
        """Queue the welcome of each new membership; returns how many messages were queued."""
        if not memberships:
            return 0
        minors = [m for m in memberships if is_minor(m.person.date_of_birth, today)]
        guardians: dict = {}
        for link in Guardianship.objects.filter(minor__in=minors).select_related("guardian"):
            guardians.setdefault(link.minor_id, []).append(link.guardian)
        queued_before = self.queued
        done: list[uuid.UUID] = []
        nobody: list[uuid.UUID] = []
        skipped: list[uuid.UUID] = []
        for membership in memberships:
            if _over(membership, today):
                skipped.append(membership.pk)
                continue
            recipients = welcome_recipients(membership, today=today, guardians=guardians.get(membership.pk, []))
            for recipient in recipients:
                self.send(membership, recipient)
            (done if recipients else nobody).append(membership.pk)
        now = clock.now()
        Membership.objects.filter(pk__in=done).update(welcome_state=WelcomeState.QUEUED, welcome_sent_at=now)
        Membership.objects.filter(pk__in=nobody).update(welcome_state=WelcomeState.NO_RECIPIENT)
        Membership.objects.filter(pk__in=skipped).update(welcome_state=WelcomeState.SKIPPED)
        return self.queued - queued_before

    def send(self, membership: Membership, recipient: Recipient) -> None:
        slot = self.started_at + dt.timedelta(minutes=self.queued // self.per_minute)
        message = message_enqueue(
            channel=Channel.EMAIL,
            to=recipient.email,
            template=welcome_template(membership),
            language=recipient.language,
            context=welcome_context(membership, recipient),
            kind=Kind.ADMINISTRATIVE,
            subject_id=str(membership.pk),
            membership=membership,
        )
        self.queued += 1
        if slot > clock.now():
            _defer(message, slot)


def _over(membership: Membership, today: dt.date) -> bool:
    """A membership that has already ended, or is on an ended policy, gets no invitation to register."""
    return (membership.end_date is not None and membership.end_date < today) or (
        membership.policy.status == PolicyStatus.ENDED
    )


def welcome_context(membership: Membership, recipient: Recipient) -> dict:
    return {
        "first_name": recipient.first_name,
        "member_first_name": membership.first_name,
        "for_minor": recipient.is_guardian,
        # Only the back office's resend reaches a member who has registered since: sign in, not register.
        "registered": not recipient.is_guardian and membership.person.account_id is not None,
        "member_number": membership.member_number,
        "policy_number": membership.policy.number,
        "register_url": register_url(),
        "sign_in_url": sign_in_url(),
    }


def _defer(message, at: dt.datetime) -> None:
    """Move a queued message's first delivery attempt to its throttled slot."""
    type(message).objects.filter(pk=message.pk).update(next_attempt_at=at)
