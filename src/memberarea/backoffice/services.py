"""What staff do (BO-1..4): assisted changes to a member, retrying a delivery, managing staff.

Each service is one transaction that reaches the member only through `access_member` with the
purpose its action has in the BO-1 table (so the role check, the reason from the list, the ticket
reference and the StaffAccess record happen in one place), writes its audit entry (ids and codes
only) and tells the member.
"""

import datetime as dt
import functools
import secrets
import uuid
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from memberarea.backoffice.errors import NO_ACCOUNT, NOT_RETRYABLE, STAFF_USERNAME_TAKEN
from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import FORBIDDEN, INVALID, NOT_FOUND, MemberAreaError
from memberarea.enrollment.identifiers import (
    InvalidContact,
    InvalidDocument,
    document_index,
    document_normalise,
    email_index,
    email_normalise,
    mobile_normalise,
)
from memberarea.enrollment.models import DocumentType, Membership, Person
from memberarea.enrollment.services import welcome_resend
from memberarea.identity.contacts import CONTACT_FIELDS, account_verified_contacts, contact_usable, contact_write
from memberarea.identity.errors import DOCUMENT_TAKEN
from memberarea.identity.flows.login import login_failures_clear
from memberarea.identity.freeze import account_freeze, not_me_url
from memberarea.identity.models import Account, CodeChannel, Role, SecurityCase, StaffRole
from memberarea.identity.services import account_create, account_find
from memberarea.identity.sessions import account_sessions_end
from memberarea.identity.usernames import username_index
from memberarea.members.access import TICKET_MAX, Access, Purpose, access_member, roles_for
from memberarea.notifications.integration import integration_message_retry
from memberarea.notifications.models import Channel, Message, State
from memberarea.notifications.services import message_dispatch, message_enqueue

from .models import StaffProfile

TEMPORARY_PASSWORD_BYTES = 12


def _invalid(field: str, message) -> MemberAreaError:
    return MemberAreaError(INVALID, fields={field: [message]})


def _account_of(membership: Membership) -> Account:
    account = membership.person.account
    if account is None:
        raise MemberAreaError(NO_ACCOUNT)
    return account


def _member_contacts(membership: Membership) -> list[tuple[str, str, str]]:
    """Every verified contact of the member: the account's, or the membership's when not registered."""
    account = membership.person.account
    if account is not None:
        return account_verified_contacts(account)
    return [
        (str(channel), value, membership.first_name)
        for channel, field in CONTACT_FIELDS.items()
        if (value := contact_usable(membership, field))
    ]


def _tell(contacts: Sequence[tuple[str, str, str]], *, membership: Membership, template: str, **context) -> None:
    """Queue `template` to each contact, in the member's language, with the "this was not me" link."""
    account = membership.person.account
    language = account.language if account is not None else membership.language
    extra = {"not_me_url": not_me_url(account)} if account is not None else {}
    for channel, destination, first_name in contacts:
        message_enqueue(
            channel=Channel(channel),
            to=destination,
            template=template,
            language=language,
            context={**context, **extra, "first_name": first_name},
            subject_id=str(account.pk if account is not None else membership.pk),
            account=account,
            membership=membership,
        )


def _staff_audit(event: str, *, actor: Account, access: Access, reason: str, **data) -> None:
    """The action's entry, with the StaffAccess row (reason and ticket) it was done under."""
    membership = access.membership
    audit_record(
        event=event,
        actor_id=str(actor.pk),
        subject_id=str(membership.pk),
        data={
            "reason": reason,
            "person": str(membership.person_id),
            "access": str(access.record.pk) if access.record else None,
            **data,
        },
    )


# --- assisted changes (BO-2, BO-3) --------------------------------------------------------------
def username_change(
    *,
    actor: Account,
    member_id: uuid.UUID,
    reason: str,
    ticket: str,
    document_type: str,
    document_number: str,
    document_country: str = "",
) -> Membership:
    """A new identity document (BO-2): it becomes the username at once and the old one stops working.

    Every session ends (the old username signed them in) and every verified contact is told.
    """
    with transaction.atomic():
        access = access_member(actor=actor, member_id=member_id, purpose=Purpose.ASSIST, reason=reason, ticket=ticket)
        membership = access.membership
        if document_type not in DocumentType.values:
            raise _invalid("document_type", _("Choose the type of document."))
        try:
            kind, number, country = document_normalise(document_type, document_number[:40], document_country[:2])
        except InvalidDocument:
            raise _invalid("document_number", _("Check the document number and its letter.")) from None
        person = Person.objects.select_for_update(of=("self",)).select_related("account").get(pk=membership.person_id)
        index = document_index(kind, number, country)
        if index == person.document_index:
            raise _invalid("document_number", _("This is already the member's document."))
        account = person.account
        taken = Person.objects.filter(document_index=index).exclude(pk=person.pk).exists()
        others = Account.objects.filter(username_index=username_index(number))
        if taken or (others.exclude(pk=account.pk) if account is not None else others).exists():
            raise MemberAreaError(DOCUMENT_TAKEN, fields={"document_number": [DOCUMENT_TAKEN.message]})
        person.document_type, person.document_number, person.document_country = kind, number, country
        person.document_index, person.updated_at = index, clock.now()
        person.save()
        ended = 0
        if account is not None:
            account.set_username(number)
            account.save(update_fields=["username", "username_index"])
            ended = account_sessions_end(account=account, reason="username_changed")
        membership.person = person
        _tell(_member_contacts(membership), membership=membership, template="username_changed", document_type=kind)
        _staff_audit(
            "staff.username_changed",
            actor=actor,
            access=access,
            reason=reason,
            account=str(account.pk) if account else None,
            document_type=kind,
            sessions_ended=ended,
        )
    return membership


def contact_update(
    *, actor: Account, member_id: uuid.UUID, reason: str, ticket: str, channel: CodeChannel, value: str
) -> CodeChannel:
    """A new email or mobile after checking the member's identity (BO-3): replaced on every membership
    of the person, the old destination told; returns the channel changed."""
    normalisers = {CodeChannel.EMAIL: email_normalise, CodeChannel.SMS: mobile_normalise}
    try:
        destination = normalisers[channel]((value or "")[:254])
    except InvalidContact:
        raise _invalid("value", _("Enter a valid email address or mobile number.")) from None
    field = CONTACT_FIELDS[channel]
    with transaction.atomic():
        access = access_member(actor=actor, member_id=member_id, purpose=Purpose.ASSIST, reason=reason, ticket=ticket)
        membership = access.membership
        rows = list(Membership.objects.filter(person_id=membership.person_id))
        previous = sorted({getattr(row, field) for row in rows} - {None, "", destination})
        now = clock.now()
        for row in rows:  # one save per row: each ciphertext is bound to its row
            contact_write(row, field, destination)
            row.updated_at = now
            row.save()
        told = [(channel, old, membership.first_name) for old in previous]
        _tell(told, membership=membership, template="contact_changed")
        if field == "email":  # recovery does not use the new email for a while (BO-3)
            Account.objects.filter(person__pk=membership.person_id).update(
                recovery_hold_until=now + dt.timedelta(days=settings.RECOVERY_NEW_CONTACT_HOLD_DAYS),
                recovery_hold_index=email_index(destination),
            )
        _staff_audit("staff.contact_updated", actor=actor, access=access, reason=reason, channel=channel)
    return channel


def _account_action(
    *,
    actor: Account,
    member_id: uuid.UUID,
    reason: str,
    ticket: str,
    purpose: str,
    event: str,
    apply,
    tell: bool = True,
):
    """The shape of the one-click actions on a member's account: access, act, audit, tell."""
    with transaction.atomic():
        access = access_member(actor=actor, member_id=member_id, purpose=purpose, reason=reason, ticket=ticket)
        membership = access.membership
        account = _account_of(membership)
        result = apply(membership, account)
        _staff_audit(event, actor=actor, access=access, reason=reason, account=str(account.pk))
        if tell:
            action = event.removeprefix("staff.")
            _tell(_member_contacts(membership), membership=membership, template="assisted_change", action=action)
    return result


def sign_in_unlock(*, actor: Account, member_id: uuid.UUID, reason: str, ticket: str) -> None:
    """Forget the member's failed sign-ins and lock (BO-3), as a recovery would."""
    _account_action(
        actor=actor,
        member_id=member_id,
        reason=reason,
        ticket=ticket,
        purpose=Purpose.UNLOCK,
        event="staff.sign_in_unlocked",
        apply=lambda membership, account: login_failures_clear(account),
    )


def sessions_end_for_member(*, actor: Account, member_id: uuid.UUID, reason: str, ticket: str) -> int:
    """End every session and trusted device of the member (BO-3); returns how many sessions ended."""
    return _account_action(
        actor=actor,
        member_id=member_id,
        reason=reason,
        ticket=ticket,
        purpose=Purpose.UNLOCK,
        event="staff.sessions_ended",
        apply=lambda membership, account: account_sessions_end(account=account, reason="ended_by_staff"),
    )


def welcome_resend_for_member(*, actor: Account, member_id: uuid.UUID, reason: str, ticket: str) -> int:
    """Queue the welcome again (BO-3): the welcome itself is the member's notice; returns messages queued."""
    with transaction.atomic():
        access = access_member(actor=actor, member_id=member_id, purpose=Purpose.ASSIST, reason=reason, ticket=ticket)
        membership = access.membership
        queued = welcome_resend(membership=membership, actor_id=str(actor.pk))
        _staff_audit("staff.welcome_resent", actor=actor, access=access, reason=reason, messages=queued)
    return queued


def account_freeze_by_staff(*, actor: Account, member_id: uuid.UUID, reason: str, ticket: str) -> bool:
    """A security officer freezes the account (BO-1): as "this was not me" does, it ends every session,
    opens a security case and tells every contact. False if it was frozen already."""
    return _account_action(
        actor=actor,
        member_id=member_id,
        reason=reason,
        ticket=ticket,
        purpose=Purpose.FREEZE,
        event="staff.account_frozen",
        apply=lambda membership, account: account_freeze(
            account=account, reason=SecurityCase.Reason.STAFF_FREEZE, actor_id=str(actor.pk)
        ),
        tell=False,  # account_freeze tells every contact itself
    )


# --- deliveries (BO-1: status, never content) ---------------------------------------------------
def _member_of_message(message: Message) -> Membership:
    """The membership a message is about: its own link, else its subject (an account or a membership id)."""
    if message.membership_id is not None:
        return Membership.objects.get(pk=message.membership_id)
    subject = message.account_id
    if subject is None:
        try:
            subject = uuid.UUID(message.subject_id)
        except ValueError:
            raise MemberAreaError(NOT_FOUND) from None
    membership = (
        Membership.objects.filter(pk=subject).first()
        or Membership.objects.filter(person__account_id=subject).order_by("-start_date").first()
    )
    if membership is None:
        raise MemberAreaError(NOT_FOUND)
    return membership


def message_retry(*, actor: Account, message_id: uuid.UUID, reason: str, ticket: str) -> None:
    """Give a failed message a fresh set of attempts, if its content is still there (secrets and old
    messages are purged, so they cannot be resent: the member asks again instead)."""
    message = Message.objects.filter(pk=message_id).only("id", "subject_id", "account", "membership").first()
    if message is None:
        raise MemberAreaError(NOT_FOUND)
    with transaction.atomic():
        access = access_member(
            actor=actor,
            member_id=_member_of_message(message).pk,
            purpose=Purpose.DELIVERIES,
            reason=reason,
            ticket=ticket,
        )
        now = clock.now()
        requeued = (
            Message.objects.filter(pk=message.pk, state=State.FAILED, content_purged_at__isnull=True)
            .exclude(expires_at__lte=now)
            .update(state=State.PENDING, attempts=0, next_attempt_at=now, dispatched_at=now, last_error_code="")
        )
        if not requeued:
            raise MemberAreaError(NOT_RETRYABLE)
        _staff_audit("staff.message_retried", actor=actor, access=access, reason=reason, message=str(message.pk))
        transaction.on_commit(functools.partial(message_dispatch, message.pk), robust=True)


def core_message_retry(*, actor: Account, message_id: uuid.UUID, ticket: str) -> None:
    """Send a failed message to the core system again (a correction or an erasure it never took), under
    a ticket reference for the audit log; its payload is never shown, so no member record is opened."""
    if not actor.roles & set(roles_for(Purpose.DELIVERIES)):
        raise MemberAreaError(FORBIDDEN)
    ticket = (ticket or "").strip()
    if not ticket or len(ticket) > TICKET_MAX:
        raise _invalid("ticket", _("Give the ticket reference of the request."))
    with transaction.atomic():
        if not integration_message_retry(message_id):
            raise MemberAreaError(NOT_RETRYABLE)
        audit_record(
            event="staff.core_message_retried",
            actor_id=str(actor.pk),
            data={"message": str(message_id), "ticket": ticket},
        )


# --- staff accounts (BO-1: administrators) -----------------------------------------------------
def _roles_checked(roles: Iterable[str]) -> tuple[Role, ...]:
    """Role names as chosen (a form, a command) checked into the enum; the one place they are validated."""
    try:
        checked = tuple(sorted({Role(role) for role in roles}))
    except ValueError:
        raise _invalid("roles", _("Choose at least one role.")) from None
    if not checked:
        raise _invalid("roles", _("Choose at least one role."))
    return checked


def _work_email(value: str) -> str:
    try:
        return email_normalise((value or "")[:254])
    except InvalidContact:
        raise _invalid("email", _("Enter a valid email address or mobile number.")) from None


def staff_create(
    *, username: str, email: str, roles: Iterable[str], actor_id: str, display_name: str = "", password: str = ""
) -> tuple[Account, str]:
    """A staff account with its roles and the work email its sign-in codes go to.

    Without `password`, a temporary one is made and returned, to be shown once to the administrator.
    """
    checked = _roles_checked(roles)
    email = _work_email(email)
    if account_find(username):
        raise MemberAreaError(STAFF_USERNAME_TAKEN, fields={"username": [STAFF_USERNAME_TAKEN.message]})
    password = password or secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)
    with transaction.atomic():
        account = account_create(username=username, password=password, roles=checked)
        StaffProfile.objects.create(account=account, email=email, display_name=display_name[:100])
        audit_record(
            event="staff.created", actor_id=actor_id, subject_id=str(account.pk), data={"roles": ",".join(checked)}
        )
    return account, password


def staff_email_set(*, account: Account, email: str, actor_id: str, display_name: str = "") -> None:
    """Give a staff account (a new one, or one made before profiles existed) its work email."""
    email = _work_email(email)
    with transaction.atomic():
        StaffProfile.objects.update_or_create(account=account, defaults={"email": email, "display_name": display_name})
        audit_record(event="staff.email_set", actor_id=actor_id, subject_id=str(account.pk))


def staff_roles_set(*, actor: Account, account: Account, roles: Iterable[str]) -> None:
    """Replace a staff account's roles; an administrator cannot remove their own administrator role."""
    checked = _roles_checked(roles)
    if account.pk == actor.pk and Role.ADMINISTRATOR not in checked:
        raise _invalid("roles", _("You cannot remove your own administrator role."))
    now = clock.now()
    with transaction.atomic():
        StaffRole.objects.filter(account=account).exclude(role__in=checked).delete()
        for role in checked:
            StaffRole.objects.get_or_create(account=account, role=role, defaults={"granted_at": now})
        account.__dict__.pop("_roles", None)
        audit_record(
            event="staff.roles_changed",
            actor_id=str(actor.pk),
            subject_id=str(account.pk),
            data={"roles": ",".join(checked)},
        )


def staff_deactivate(*, actor: Account, account: Account) -> None:
    """No more sign-in for this employee, and every session of theirs ends now."""
    if account.pk == actor.pk:
        raise _invalid("account", _("You cannot deactivate your own account."))
    with transaction.atomic():
        Account.objects.filter(pk=account.pk).update(is_active=False)
        account.is_active = False
        account_sessions_end(account=account, reason="staff_deactivated")
        audit_record(event="staff.deactivated", actor_id=str(actor.pk), subject_id=str(account.pk))
