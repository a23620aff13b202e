"""The daily coming-of-age messages (GUARD-2). Access itself needs no job: `access_member` decides at
each request; these only tell people.

- From a month before a minor's 18th birthday, each guardian with an account is told
  (`guardian_ending`, to the account's email, in the account's language).
- From the birthday, the new adult is invited to register (`coming_of_age`), to their own email if
  the insurer has one, unless they already have an account.

Each message goes once: it is sent together with an audit entry, and the entry is checked first. A
worker that was down for a few days still sends within COMING_OF_AGE_CATCH_UP_DAYS. That window, the notice's
COMING_OF_AGE_NOTICE_DAYS and the age itself (ADULT_AGE) are settings.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from memberarea.core.audit import audit_record
from memberarea.core.jobs import periodic
from memberarea.core.links import register_url, sign_in_url
from memberarea.core.models import AuditEntry
from memberarea.enrollment.identifiers import adulthood_date
from memberarea.enrollment.models import Membership
from memberarea.identity.contacts import account_contacts
from memberarea.notifications.models import Channel
from memberarea.notifications.services import message_enqueue

from .access import today

GUARDIAN_SENT = "member.guardian_ending_sent"
INVITATION_SENT = "member.coming_of_age_sent"


@periodic("guardian_age_notices", dt.timedelta(days=1))
def age_notices_send() -> str:
    """Send the due guardian notices and coming-of-age invitations; returns counts, never names."""
    day = today()
    catch_up = dt.timedelta(days=settings.COMING_OF_AGE_CATCH_UP_DAYS)
    minors = (
        Membership.objects.select_related("person", "policy")
        .filter(guardianships__isnull=False)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day - catch_up))
        .distinct()
    )
    guardians_told = invitations = 0
    for minor in minors:
        coming_of_age = adulthood_date(minor.person.date_of_birth)
        if day < coming_of_age <= day + dt.timedelta(days=settings.COMING_OF_AGE_NOTICE_DAYS):
            guardians_told += _guardians_tell(minor, coming_of_age)
        elif coming_of_age <= day < coming_of_age + catch_up:
            invitations += _new_adult_invite(minor)
    return f"{guardians_told} guardian notices, {invitations} invitations to register"


def _already_sent(event: str, minor: Membership) -> set[str]:
    """The recipients (account ids, or "member") already sent `event` about this minor."""
    entries = AuditEntry.objects.filter(event=event, subject_id=str(minor.pk)).values_list("data", flat=True)
    return {str(data.get("recipient", "")) for data in entries}


def _guardians_tell(minor: Membership, coming_of_age: dt.date) -> int:
    sent = _already_sent(GUARDIAN_SENT, minor)
    guardians = Membership.objects.select_related("person__account").filter(
        wards__minor=minor, policy_id=minor.policy_id, person__account__isnull=False
    )
    told = 0
    for guardian in guardians:
        account = guardian.person.account
        if account is None or str(account.pk) in sent:
            continue
        email = account_contacts(account).email
        if not email:
            continue
        with transaction.atomic():
            message_enqueue(
                channel=Channel.EMAIL,
                to=email,
                template="guardian_ending",
                language=account.language,
                subject_id=str(account.pk),
                account=account,
                context={
                    "first_name": guardian.first_name,
                    "minor_first_name": minor.first_name,
                    "coming_of_age": coming_of_age,
                    "sign_in_url": sign_in_url(),
                },
            )
            audit_record(
                event=GUARDIAN_SENT, actor_id="system", subject_id=str(minor.pk), data={"recipient": str(account.pk)}
            )
        told += 1
    return told


def _new_adult_invite(member: Membership) -> int:
    if member.person.account_id is not None or not member.email or _already_sent(INVITATION_SENT, member):
        return 0
    with transaction.atomic():
        message_enqueue(
            channel=Channel.EMAIL,
            to=member.email,
            template="coming_of_age",
            language=member.language,
            subject_id=str(member.pk),
            membership=member,
            context={
                "first_name": member.first_name,
                "member_number": member.member_number,
                "policy_number": member.policy.number,
                "register_url": register_url(),
            },
        )
        audit_record(event=INVITATION_SENT, actor_id="system", subject_id=str(member.pk), data={"recipient": "member"})
    return 1
