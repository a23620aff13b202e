"""Step 2 (REG-3, REG-4): the contacts kept or replaced, the address, the identity document, the codes.

A document that is another registered person's hands the flow to the re-joiner's link (link.py).
"""

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.errors import INVALID, MemberAreaError
from memberarea.core.ratelimit import Limit, attempt_count, attempt_reserve
from memberarea.core.text import text_check
from memberarea.enrollment.identifiers import (
    InvalidContact,
    InvalidDocument,
    document_index,
    document_normalise,
    email_index,
    email_normalise,
    mobile_index,
    mobile_normalise,
)
from memberarea.enrollment.models import DocumentType, Membership, Person
from memberarea.identity.errors import (
    DOCUMENT_MISMATCH,
    DOCUMENT_TAKEN,
    TOO_MANY_ATTEMPTS,
)
from memberarea.identity.flows import codes
from memberarea.identity.flows.registration.link import link_candidate, link_offer
from memberarea.identity.flows.registration.state import flow_details, registration_get, registration_pending_channels
from memberarea.identity.models import (
    Account,
    CodeChannel,
    FlowKind,
    RegistrationFlow,
    RegistrationState,
    VerificationCode,
)
from memberarea.identity.usernames import username_index

MAX_TEXT = 200  # any single text field; a 10,000-character value is refused, not cut
MAX_DOCUMENT = 40  # a typed document number, separators included


@dataclass(frozen=True)
class AddressInput:
    line1: str
    line2: str
    postal_code: str
    city: str
    province: str
    country: str


def _text(name: str, value: str | None, *, required: bool = False) -> str:
    value = (value or "").strip()
    text_check(value, field=name)  # stored as typed, encrypted only at the last step: refused now
    if len(value) > MAX_TEXT:
        raise MemberAreaError(INVALID, fields={name: [_("This is too long.")]})
    if required and not value:
        raise MemberAreaError(INVALID, fields={name: [_("This field is required.")]})
    return value


def _clean_address(address: AddressInput) -> dict:
    errors: dict = {}
    cleaned: dict = {}
    for name in ("line1", "line2", "postal_code", "city", "province", "country"):
        try:
            cleaned[name] = _text(
                f"address.{name}", getattr(address, name), required=name in {"line1", "postal_code", "city"}
            )
        except MemberAreaError as error:
            errors.update(error.fields)
    country = (cleaned.get("country") or "ES").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        errors["address.country"] = [_("Choose a country.")]
    if errors:
        raise MemberAreaError(INVALID, fields=errors)
    return {**cleaned, "country": country}


def _clean_contacts(email: str | None, phone: str | None, on_record: Membership) -> tuple[str | None, str | None]:
    """None keeps what is on record; a value asked for (the box ticked, the API field sent) must be there."""
    errors: dict = {}
    bad_email = _("Enter an email address such as name@example.com.")
    bad_mobile = _("Enter a mobile number that can receive text messages, such as 612 345 678.")
    no_email = _("Enter the new email address, or keep the one on record.") if on_record.email else None
    no_mobile = _("Enter the new mobile number, or keep the one on record.") if on_record.mobile else None
    clean_email = _clean_contact(
        "email", email, email_normalise, errors,
        invalid=bad_email, empty=no_email or _("We need an email address to send you codes."),
    )  # fmt: skip
    clean_phone = _clean_contact(
        "phone", phone, mobile_normalise, errors, invalid=bad_mobile, empty=no_mobile or bad_mobile
    )
    if errors:
        raise MemberAreaError(INVALID, fields=errors)
    return clean_email, clean_phone


def _clean_contact(name: str, value: str | None, normalise, errors: dict, *, invalid, empty) -> str | None:
    """One new contact: None (not asked for), its normalised form, or a field message in `errors`."""
    if value is None:
        return None
    if not value.strip():
        errors[name] = [empty]
        return None
    try:
        return normalise(_text(name, value))
    except (InvalidContact, MemberAreaError):
        errors[name] = [invalid]
        return None


def _clean_document(document_type: str, number: str, country: str) -> tuple[str, str, str]:
    if document_type not in DocumentType.values:
        raise MemberAreaError(INVALID, fields={"document_type": [_("Choose NIF (DNI), NIE or passport.")]})
    if len(number or "") > MAX_DOCUMENT or len(country or "") > 2:
        raise MemberAreaError(INVALID, fields={"document_number": [_("This is too long.")]})
    if document_type == DocumentType.PASSPORT and not re.fullmatch(r"[A-Za-z]{2}", (country or "").strip()):
        raise MemberAreaError(INVALID, fields={"document_country": [_("Choose the country that issued the passport.")]})
    try:
        return document_normalise(document_type, number, country)
    except InvalidDocument:
        messages = {
            DocumentType.NIF: _("Enter your DNI number with its letter, such as 23456789D. Check the letter."),
            DocumentType.NIE: _("Enter your NIE with its first letter (X, Y or Z) and its last letter."),
            DocumentType.PASSPORT: _("Enter the passport number: 5 to 20 letters and digits."),
        }
        raise MemberAreaError(INVALID, fields={"document_number": [messages[DocumentType(document_type)]]}) from None


def _count_document_failure(flow: RegistrationFlow, error: MemberAreaError) -> MemberAreaError:
    """Each rejected document spends one of the flow's tries and one of the membership's for the day."""
    RegistrationFlow.objects.filter(pk=flow.pk).update(document_attempts=F("document_attempts") + 1)
    attempt_reserve(_document_limit(), str(flow.membership_id))
    return error


def _document_limit() -> Limit:
    return Limit(
        "registration-document",
        settings.REGISTRATION_DOCUMENT_FAILURES_PER_DAY,
        settings.REGISTRATION_DOCUMENT_FAILURE_WINDOW_SECONDS,
    )


def _check_document_tries(flow: RegistrationFlow) -> None:
    per_membership = _document_limit()
    if (
        flow.document_attempts >= settings.REGISTRATION_DOCUMENT_ATTEMPTS
        or attempt_count(per_membership, str(flow.membership_id)) >= per_membership.max_attempts
    ):
        raise MemberAreaError(TOO_MANY_ATTEMPTS)


def _check_document_free(flow: RegistrationFlow, document: tuple[str, str, str]) -> None:
    """The typed document must be the one on record (REG-3) and belong to no other account."""
    person = flow.membership.person
    index = document_index(*document)
    if person.document_index and person.document_index != index:
        raise MemberAreaError(DOCUMENT_MISMATCH)
    if not person.document_index and Person.objects.filter(document_index=index).exclude(pk=person.pk).exists():
        raise MemberAreaError(DOCUMENT_TAKEN)
    if Account.objects.filter(username_index=username_index(document[1])).exists():
        raise MemberAreaError(DOCUMENT_TAKEN)


def registration_details_submit(
    *, flow_id: uuid.UUID, kind: FlowKind, document_type: str, document_number: str, document_country: str = "",
    email: str | None = None, phone: str | None = None, address: AddressInput | None = None,
) -> list[str]:  # fmt: skip
    """Step 2 (REG-3, REG-4): keep or replace contacts and address, give the document, send codes.

    An omitted contact keeps the one on record. Returns the channels that must now be proven
    with a code ("email", "sms"); an empty list means the password step is next.
    """
    flow = registration_get(
        flow_id=flow_id,
        kind=kind,
        # READY too: a repeated or corrected step 2 (the answer lost on a bad network) is answered
        # again, not as an expired flow; the password step re-checks what is pending before it ends.
        states=(
            RegistrationState.IDENTIFIED,
            RegistrationState.VERIFYING,
            RegistrationState.READY,
            RegistrationState.LINKING,
        ),
    )
    _check_document_tries(flow)
    clean_email, clean_phone = _clean_contacts(email, phone, flow.membership)
    clean_address = _clean_address(address) if address is not None else None
    try:
        document = _clean_document(document_type, document_number, document_country)
        candidate = link_candidate(flow, document)
        if candidate is not None:
            link_offer(flow, candidate, document)  # counted like a refusal: documents cannot be probed freely
        _check_document_free(flow, document)
    except MemberAreaError as error:
        raise _count_document_failure(flow, error) from None

    membership = flow.membership
    if clean_email and membership.email and email_index(clean_email) == membership.email_index:
        clean_email = None  # typed the address on record: nothing new to prove
    if clean_phone and membership.mobile and mobile_index(clean_phone) == membership.mobile_index:
        clean_phone = None
    if not (clean_email or membership.email):
        raise MemberAreaError(INVALID, fields={"email": [_("We need an email address to send you codes.")]})
    verify = [channel for channel, value in (("email", clean_email), ("sms", clean_phone)) if value]
    details = {
        "email": clean_email,
        "phone": clean_phone,
        "address": clean_address,
        "document": list(document),
        "verify": verify,
    }
    with transaction.atomic():
        flow.details = json.dumps(details)
        flow.state = RegistrationState.VERIFYING if verify else RegistrationState.READY
        flow.account = None
        flow.save(update_fields=["details", "state", "account"])
        for channel, destination in ((CodeChannel.EMAIL, clean_email), (CodeChannel.SMS, clean_phone)):
            if destination:
                _send_code_unless_live(flow, channel, destination)
        _update_state(flow)
    return registration_pending_channels(flow)


def _send_code_unless_live(flow: RegistrationFlow, channel: CodeChannel, destination: str) -> None:
    """A code already spent or still valid for this same destination is not sent again."""
    existing = VerificationCode.objects.filter(flow_id=flow.pk, channel=channel).first()
    if (
        existing is not None
        and existing.destination == destination
        and (existing.used_at is not None or existing.expires_at > clock.now())
    ):
        return
    _send_code(flow, channel, destination)


def _send_code(flow: RegistrationFlow, channel: CodeChannel, destination: str) -> VerificationCode:
    return codes.code_send(
        flow_id=flow.pk,
        channel=channel,
        destination=destination,
        template="registration_code",
        language=flow.language,
        context={"first_name": flow.membership.first_name},
        membership=flow.membership,
    )


def _update_state(flow: RegistrationFlow) -> None:
    state = RegistrationState.VERIFYING if registration_pending_channels(flow) else RegistrationState.READY
    if state != flow.state:
        RegistrationFlow.objects.filter(pk=flow.pk, state=flow.state).update(state=state)
        flow.state = state


def registration_code_verify(*, flow_id: uuid.UUID, kind: FlowKind, channel: CodeChannel, code: str) -> list[str]:
    """Prove one new contact with its code (REG-4); returns the channels still waiting."""
    flow = registration_get(flow_id=flow_id, kind=kind, states=(RegistrationState.VERIFYING,))
    if channel not in registration_pending_channels(flow):
        raise MemberAreaError(INVALID, fields={"channel": [_("No code is waiting on this channel.")]})
    codes.code_use(flow_id=flow.pk, channel=channel, code=code)
    _update_state(flow)
    return registration_pending_channels(flow)


def registration_code_resend(*, flow_id: uuid.UUID, kind: FlowKind, channel: CodeChannel) -> dt.datetime:
    """A new code for a contact still waiting (cooldown and send limit apply); returns when the next may go."""
    flow = registration_get(flow_id=flow_id, kind=kind, states=(RegistrationState.VERIFYING,))
    if channel not in registration_pending_channels(flow):
        raise MemberAreaError(INVALID, fields={"channel": [_("No code is waiting on this channel.")]})
    destination = flow_details(flow)["email" if channel == CodeChannel.EMAIL else "phone"]
    return codes.resend_after(_send_code(flow, channel, destination))
