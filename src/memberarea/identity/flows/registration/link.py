"""A re-joiner (REG-2): their document already has an account, so they prove it is theirs and the new
membership moves to that account's person; there is never a second account."""

import json
import uuid

from django.conf import settings
from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import RATE_LIMITED, MemberAreaError
from memberarea.core.links import sign_in_url
from memberarea.core.ratelimit import Limit, attempt_release, attempt_reserve
from memberarea.enrollment.identifiers import (
    document_index,
)
from memberarea.enrollment.models import Membership, Person
from memberarea.identity.contacts import account_contacts
from memberarea.identity.errors import DOCUMENT_TAKEN, FLOW_EXPIRED, INVALID_CREDENTIALS, LINK_OFFERED
from memberarea.identity.flows import codes
from memberarea.identity.flows.registration.state import flow_details, registration_get
from memberarea.identity.models import Account, CodeChannel, FlowKind, RegistrationFlow, RegistrationState
from memberarea.notifications.models import Channel
from memberarea.notifications.services import message_enqueue


def link_candidate(flow: RegistrationFlow, document: tuple[str, str, str]) -> Account | None:
    """A re-joiner: no document on record for this person, and the typed one is another person's with an account."""
    person = flow.membership.person
    if person.document_index:
        return None
    other = (
        Person.objects.select_related("account")
        .filter(document_index=document_index(*document), account__isnull=False, account__frozen_at__isnull=True)
        .exclude(pk=person.pk)
        .first()
    )
    return other.account if other is not None else None


def link_offer(flow: RegistrationFlow, candidate: Account, document: tuple[str, str, str]) -> None:
    flow.state, flow.account, flow.details = (
        RegistrationState.LINKING,
        candidate,
        json.dumps({"document": list(document)}),
    )
    flow.save(update_fields=["state", "account", "details"])
    raise MemberAreaError(LINK_OFFERED)


def _link_limit() -> Limit:
    return Limit(
        "registration-link",
        settings.REGISTRATION_LINK_PASSWORD_FAILURES,
        settings.REGISTRATION_LINK_PASSWORD_WINDOW_SECONDS,
    )


def registration_link_password(*, flow_id: uuid.UUID, kind: FlowKind, password: str) -> list[str]:
    """The re-joiner proves the account is theirs: its password (counted tries), then a code to its email."""
    flow = registration_get(flow_id=flow_id, kind=kind, states=(RegistrationState.LINKING,))
    account = flow.account
    if account is None:
        raise MemberAreaError(FLOW_EXPIRED)
    limit = _link_limit()
    if not attempt_reserve(limit, str(account.pk)).allowed:
        raise MemberAreaError(RATE_LIMITED)
    if not account.check_password((password or "")[:1024]):
        raise MemberAreaError(INVALID_CREDENTIALS)
    attempt_release(limit, str(account.pk))
    channel, destination = _account_second_step(account)
    with transaction.atomic():
        codes.code_send(
            flow_id=flow.pk,
            channel=channel,
            destination=destination,
            template="registration_link_code",
            language=flow.language,
            context={"first_name": flow.membership.first_name},
            membership=flow.membership,
        )
        flow.details = json.dumps({**flow_details(flow), "verify": [channel]})
        flow.save(update_fields=["details"])
    return [channel]


def _account_second_step(account: Account) -> tuple[CodeChannel, str]:
    """Where the account's codes go: its verified email, else its verified mobile."""
    contacts = account_contacts(account)
    if not contacts.channels:
        raise MemberAreaError(DOCUMENT_TAKEN)  # no way to prove it: customer service links it
    channel = contacts.channels[0]
    return channel, contacts.destination(channel)


def registration_pending_link(flow: RegistrationFlow) -> list[str]:
    """The channel the link's code went to, once the password was right; empty before."""
    return flow_details(flow).get("verify", []) if flow.state == RegistrationState.LINKING else []


def registration_link_complete(*, flow_id: uuid.UUID, kind: FlowKind, code: str) -> Account:
    """The second step's code, then the membership moves to the account's person (audited, undoable by staff)."""
    flow = registration_get(flow_id=flow_id, kind=kind, states=(RegistrationState.LINKING,))
    channels = flow_details(flow).get("verify", [])
    if not channels or flow.account is None:
        raise MemberAreaError(FLOW_EXPIRED)
    codes.code_use(flow_id=flow.pk, channel=CodeChannel(channels[0]), code=code)
    account = flow.account
    membership = flow.membership
    old_person = membership.person
    now = clock.now()
    with transaction.atomic():
        if not RegistrationFlow.objects.filter(pk=flow.pk, state=RegistrationState.LINKING).update(
            state=RegistrationState.COMPLETED
        ):
            raise MemberAreaError(FLOW_EXPIRED)
        new_person = Person.objects.get(account=account)
        Membership.objects.filter(pk=membership.pk).update(person=new_person, updated_at=now)
        if not Membership.objects.filter(person=old_person).exists():
            old_person.delete()
        audit_record(
            event="enrollment.membership_linked",
            actor_id=str(account.pk),
            subject_id=str(membership.pk),
            data={"from_person": str(old_person.pk), "to_person": str(new_person.pk), "flow": str(flow.pk)},
        )
        message_enqueue(
            channel=Channel.EMAIL if channels[0] == CodeChannel.EMAIL else Channel.SMS,
            to=_account_second_step(account)[1],
            template="welcome_rejoined",
            language=flow.language,
            context={
                "first_name": membership.first_name,
                "member_number": membership.member_number,
                "policy_number": membership.policy.number,
                "sign_in_url": sign_in_url(),
            },
            subject_id=str(account.pk),
            account=account,
        )
    return account
