"""Step 3 (REG-5, REG-6): the password, then the account and everything the flow proved, in one transaction."""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import MemberAreaError
from memberarea.core.links import sign_in_url
from memberarea.enrollment.identifiers import (
    document_index,
)
from memberarea.enrollment.models import Membership, Person
from memberarea.identity.contacts import contact_write
from memberarea.identity.errors import (
    ALREADY_REGISTERED,
    DOCUMENT_TAKEN,
    FLOW_EXPIRED,
)
from memberarea.identity.flows.registration.state import flow_details, registration_get, registration_pending_channels
from memberarea.identity.freeze import not_me_url
from memberarea.identity.models import Account, FlowKind, RegistrationFlow, RegistrationState
from memberarea.identity.passwords import context_words_for, password_history_add, password_validate
from memberarea.notifications.models import Channel
from memberarea.notifications.services import message_enqueue


def registration_complete(*, flow_id: uuid.UUID, kind: FlowKind, password: str) -> Account:
    """Step 3 (REG-5, REG-6): the password, then the account and everything it proves, at once.

    Exactly one account per person under any race: the flow is claimed with a conditional UPDATE
    (one winner per flow), and the person is linked with `account IS NULL` in its WHERE clause (one
    winner per person, across flows) before the account row is inserted.
    """
    flow = registration_get(flow_id=flow_id, kind=kind, states=(RegistrationState.READY,))
    if registration_pending_channels(flow):
        raise MemberAreaError(FLOW_EXPIRED)
    details = flow_details(flow)
    membership = flow.membership
    person = membership.person
    document_type, document_number, document_country = details["document"]
    if len(password or "") > 1024:
        password = password[:1024]  # the validator names the 128 limit; never hash megabytes
    password_validate(
        password,
        context_words=context_words_for(
            first_name=membership.first_name,
            last_name=membership.last_name,
            date_of_birth=person.date_of_birth,
            document=document_number,
        ),
    )
    encoded = make_password(password)  # outside the transaction: hashing is the slow part
    now = clock.now()
    try:
        with transaction.atomic():
            if not RegistrationFlow.objects.filter(
                pk=flow.pk, state=RegistrationState.READY, expires_at__gt=now
            ).update(state=RegistrationState.COMPLETED):
                raise MemberAreaError(FLOW_EXPIRED)
            account = Account(id=uuid.uuid4(), language=flow.language, created_at=now, password=encoded)
            account.set_username(document_number)
            if not Person.objects.filter(pk=person.pk, account__isnull=True).update(
                account_id=account.pk, updated_at=now
            ):
                raise MemberAreaError(ALREADY_REGISTERED)
            account.save(force_insert=True)
            RegistrationFlow.objects.filter(pk=flow.pk).update(account=account)
            _person_document_set(person, (document_type, document_number, document_country), now)
            replaced = _membership_contacts_apply(membership, details, now)
            if replaced:
                account.contact_hold_until = now + dt.timedelta(days=settings.REGISTRATION_CONTACT_HOLD_DAYS)
                account.save(update_fields=["contact_hold_until"])
                _notify_replaced_contacts(account, membership, replaced, flow.language)
            password_history_add(account=account)
            _send_confirmation(account, membership, details, flow.language)
            audit_record(
                event="account.registered",
                actor_id=str(account.pk),
                subject_id=str(person.pk),
                data={"flow": str(flow.pk), "kind": flow.kind, "replaced": ",".join(sorted(replaced))},
            )
    except IntegrityError:
        raise MemberAreaError(DOCUMENT_TAKEN) from None
    return account


def _person_document_set(person: Person, document: tuple[str, str, str], now: dt.datetime) -> None:
    if person.document_index:
        return
    person.document_type, person.document_number, person.document_country = document
    person.document_index = document_index(*document)
    person.updated_at = now
    person.save(update_fields=["document_type", "document_number", "document_country", "document_index", "updated_at"])


def _membership_contacts_apply(membership: Membership, details: dict, now: dt.datetime) -> dict[str, str]:
    """Write the proven contacts and the new address; return the enrolled contacts they replaced."""
    replaced: dict[str, str] = {}
    if details.get("email"):
        if membership.email:
            replaced["email"] = membership.email
        contact_write(membership, "email", details["email"])
    if details.get("phone"):
        if membership.mobile:
            replaced["sms"] = membership.mobile
        contact_write(membership, "mobile", details["phone"])
    address = details.get("address")
    if address:
        membership.street = "\n".join(line for line in (address["line1"], address["line2"]) if line)
        membership.postal_code, membership.city = address["postal_code"], address["city"]
        membership.province, membership.country = address["province"], address["country"]
        membership.address_from_insurer = False
    membership.updated_at = now
    membership.save()
    return replaced


def _notify_replaced_contacts(account: Account, membership: Membership, replaced: dict[str, str], language: str):
    """Tell the enrolled contacts at once, with a "this was not me" link (REG-4, PRIV-13)."""
    context = {
        "first_name": membership.first_name,
        "not_me_url": not_me_url(account),
        "hold_days": settings.REGISTRATION_CONTACT_HOLD_DAYS,
    }
    for channel, destination in replaced.items():
        message_enqueue(
            channel=Channel(channel),
            to=destination,
            template="registration_contact_replaced",
            language=language,
            context=context,
            subject_id=str(account.pk),
            account=account,
        )


def _send_confirmation(account: Account, membership: Membership, details: dict, language: str) -> None:
    message_enqueue(
        channel=Channel.EMAIL,
        to=details.get("email") or membership.email,
        template="registration_complete",
        language=language,
        context={"first_name": membership.first_name, "sign_in_url": sign_in_url()},
        subject_id=str(account.pk),
        account=account,
    )
