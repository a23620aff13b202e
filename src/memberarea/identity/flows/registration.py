"""Registration in three steps (REG-1..6), one persisted flow driven alike by the web and the API.

Step 1 matches three enrollment facts and checks eligibility; step 2 shows the contacts on record,
masked, takes the member's changes and identity document, and sends a code to each new contact;
step 3 takes the password and writes everything in one transaction: the account, the person's
link and document, the proven contacts, the notices and the audit entry. Until then nothing but
the flow row (and its codes) exists, so an abandoned or expired flow leaves nothing half-made.
"""

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.brand import brand
from memberarea.core.captcha import captcha_verify
from memberarea.core.errors import INVALID, RATE_LIMITED, ErrorCode, MemberAreaError
from memberarea.core.links import sign_in_url
from memberarea.core.masking import mask_email, mask_phone, mask_street
from memberarea.core.ratelimit import Limit, attempt_count, attempt_release, attempt_reserve
from memberarea.enrollment.identifiers import (
    InvalidContact,
    InvalidDocument,
    document_index,
    document_normalise,
    email_index,
    email_normalise,
    is_minor,
    mobile_index,
    mobile_normalise,
    normalise_number,
)
from memberarea.enrollment.models import DocumentType, Membership, Person, PolicyStatus, PolicyType
from memberarea.notifications.services import message_enqueue

from ..contacts import account_contacts
from ..freeze import not_me_url
from ..models import Account, CodeChannel, FlowKind, RegistrationFlow, RegistrationState, VerificationCode
from ..passwords import context_words_for, password_history_add, password_validate
from ..usernames import username_index
from . import codes

NO_MATCH = ErrorCode(
    "no_match",
    _("We could not find a membership with those details. Check the three numbers and your date of birth."),
    400,
)
MINOR = ErrorCode(
    "minor", _("Members under 18 do not register themselves: their guardian manages their membership."), 403
)
INTERNATIONAL_PLAN = ErrorCode(
    "international_plan",
    _("International plans have their own member area. Please contact our international team."),
    403,
)
POLICY_INACTIVE = ErrorCode(
    "policy_inactive", _("This membership is not active, so it cannot be registered. Please contact us."), 403
)
ALREADY_REGISTERED = ErrorCode(
    "already_registered", _("You already have an account. Sign in, or recover your password if you forgot it."), 409
)
DOCUMENT_MISMATCH = ErrorCode(
    "document_mismatch", _("This document does not match the one we have on record for you."), 400
)
DOCUMENT_TAKEN = ErrorCode(
    "document_taken",
    _("An account already uses this document. If it is yours, sign in with it; otherwise call us."),
    409,
)
LINK_OFFERED = ErrorCode(
    "link_offered",
    _(
        "This document already has an account. If it is yours, confirm its password to link this membership "
        "to it: there is no second account."
    ),
    409,
)
INVALID_CREDENTIALS = ErrorCode("invalid_credentials", _("The document or the password is not right."), 400)
FLOW_EXPIRED = ErrorCode(
    "flow_expired", _("This registration has expired or is already finished. Please start again."), 410
)

MAX_TEXT = 200  # any single text field; a 10,000-character value is refused, not cut


@dataclass(frozen=True)
class AddressInput:
    line1: str
    line2: str
    postal_code: str
    city: str
    province: str
    country: str


def _failure_limits() -> tuple[Limit, Limit]:
    window = settings.REGISTRATION_FAILURE_WINDOW_SECONDS
    block = settings.REGISTRATION_FAILURES_BEFORE_BLOCK
    return Limit("registration-address", block, window), Limit("registration-member", block, window)


# --- step 1 --------------------------------------------------------------------------------------
_DATE_FORMATS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})"),
    # Digits only, as a numeric keypad without "/" or "-" types them: always day, month, year.
    re.compile(r"(?P<d>\d{2})(?P<m>\d{2})(?P<y>\d{4})"),
)


def birth_date_parse(text: str) -> dt.date:
    """The one parser of a typed date of birth: ISO (2000-03-12), the day-first form people write in
    Spain (12/03/2000, 12-3-2000, 12.03.2000) or its digits alone (12032000). Spaces are ignored."""
    text = "".join((text or "").split())
    for pattern in _DATE_FORMATS:
        match = pattern.fullmatch(text)
        if match:
            try:
                value = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
            if value > clock.today_in(settings.INSURER_TIME_ZONE) or value.year < 1900:
                break
            return value
    raise MemberAreaError(
        INVALID, fields={"date_of_birth": [_("Enter a real date of birth, such as 31/12/1980 or 31121980.")]}
    )


def _number(name: str, value: str) -> str:
    number = normalise_number(value)
    if not number or len(number) > 40 or not number.isalnum():
        raise MemberAreaError(INVALID, fields={name: [_("Enter the number as it appears on your card or letter.")]})
    return number


def registration_start(
    *, member_number: str, date_of_birth: str, policy_number: str, captcha: str | None, address: str, kind: str,
    language: str,
) -> RegistrationFlow:  # fmt: skip
    """Step 1 (REG-1, REG-2): the three facts, counted failures, captcha, then eligibility.

    A try is reserved on the caller's address and on the member number before the look-up (so
    parallel guesses cannot slip under the limit) and released when the facts match. Unknown
    member and wrong birth date take the same path: one query, the same answer.
    """
    errors: dict = {}
    parsed: dict = {}
    for name, value, parse in (
        ("member_number", member_number, lambda v: _number("member_number", v)),
        ("date_of_birth", date_of_birth, birth_date_parse),
        ("policy_number", policy_number, lambda v: _number("policy_number", v)),
    ):
        try:
            parsed[name] = parse(value)
        except MemberAreaError as error:
            errors.update(error.fields)
    if errors:
        raise MemberAreaError(INVALID, fields=errors)

    by_address, by_member = _failure_limits()
    reservations = [(by_address, address), (by_member, parsed["member_number"])]
    counts = [attempt_reserve(limit, subject).count for limit, subject in reservations]
    if max(counts) > settings.REGISTRATION_FAILURES_BEFORE_BLOCK:
        raise MemberAreaError(RATE_LIMITED)
    if max(counts) > settings.REGISTRATION_FAILURES_BEFORE_CAPTCHA:
        captcha_verify(captcha)

    membership = (
        Membership.objects.select_related("policy", "person")
        .filter(member_number=parsed["member_number"], policy__number=parsed["policy_number"])
        .first()
    )
    if membership is None or membership.person.date_of_birth != parsed["date_of_birth"]:
        raise MemberAreaError(NO_MATCH)
    for limit, subject in reservations:
        attempt_release(limit, subject)
    _check_eligible(membership)
    now = clock.now()
    with transaction.atomic():
        flow = RegistrationFlow.objects.create(
            id=uuid.uuid4(),
            kind=FlowKind(kind),
            membership=membership,
            language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
            created_at=now,
            expires_at=now + dt.timedelta(seconds=settings.REGISTRATION_FLOW_SECONDS),
        )
        audit_record(event="registration.started", subject_id=str(membership.pk), data={"flow": str(flow.pk)})
    return flow


def _check_eligible(membership: Membership) -> None:
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    if is_minor(membership.person.date_of_birth, today):
        raise MemberAreaError(MINOR)
    if membership.policy.type == PolicyType.INTERNATIONAL:
        contact = brand()
        raise MemberAreaError(
            INTERNATIONAL_PLAN,
            detail=_(
                "International plans have their own member area. Please contact our international team "
                "on %(phone)s or at %(email)s."
            )
            % {"phone": contact["international_phone"], "email": contact["international_email"]},
        )
    ended = membership.end_date is not None and membership.end_date < today
    if membership.policy.status != PolicyStatus.ACTIVE or ended:
        raise MemberAreaError(POLICY_INACTIVE)
    if membership.person.account_id is not None:
        raise MemberAreaError(ALREADY_REGISTERED)


# --- reading a flow ------------------------------------------------------------------------------
def registration_get(*, flow_id, kind: str, states: tuple[str, ...] | None = None) -> RegistrationFlow:
    """The live flow, or FLOW_EXPIRED: unknown, expired, finished, or started by the other kind of client."""
    try:
        flow_uuid = uuid.UUID(str(flow_id))
    except ValueError:
        raise MemberAreaError(FLOW_EXPIRED) from None
    flow = (
        RegistrationFlow.objects.select_related("membership__person", "membership__policy")
        .filter(pk=flow_uuid, kind=kind)
        .first()
    )
    if flow is None or flow.expires_at <= clock.now() or flow.state == RegistrationState.COMPLETED:
        raise MemberAreaError(FLOW_EXPIRED)
    if states is not None and flow.state not in states:
        raise MemberAreaError(FLOW_EXPIRED)
    return flow


def registration_summary(flow: RegistrationFlow) -> dict:
    """What step 2 shows: names in full, contacts and street masked, postal code and city in clear (REG-3)."""
    membership = flow.membership
    lines = (membership.street or "").splitlines()
    return {
        "first_name": membership.first_name,
        "last_name": membership.last_name,
        "address": {
            "line1": mask_street(lines[0]) if lines else "",
            "line2": mask_street(" ".join(lines[1:])) if len(lines) > 1 else "",
            "postal_code": membership.postal_code,
            "city": membership.city,
            "province": membership.province,
            "country": membership.country,
        },
        "email": mask_email(membership.email or ""),
        "phone": mask_phone(membership.mobile or ""),
        "has_document_on_record": bool(membership.person.document_index),
    }


def _details(flow: RegistrationFlow) -> dict:
    return json.loads(flow.details) if flow.details else {}


def registration_pending_channels(flow: RegistrationFlow) -> list[str]:
    """The new contacts still waiting for their code."""
    used = codes.codes_used(flow.pk)
    return [channel for channel in _details(flow).get("verify", []) if channel not in used]


# --- step 2 --------------------------------------------------------------------------------------
def _text(name: str, value: str | None, *, required: bool = False) -> str:
    value = (value or "").strip()
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
    if len(number or "") > 40 or len(country or "") > 2:
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
    return Limit("registration-document", settings.REGISTRATION_DOCUMENT_FAILURES_PER_DAY, 24 * 3600)


def _check_document_tries(flow: RegistrationFlow) -> None:
    per_membership = _document_limit()
    if (
        flow.document_attempts >= settings.REGISTRATION_DOCUMENT_ATTEMPTS
        or attempt_count(per_membership, str(flow.membership_id)) >= per_membership.max_attempts
    ):
        raise MemberAreaError(codes.TOO_MANY_ATTEMPTS)


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


def _link_candidate(flow: RegistrationFlow, document: tuple[str, str, str]) -> Account | None:
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


def _offer_link(flow: RegistrationFlow, candidate: Account, document: tuple[str, str, str]) -> None:
    flow.state, flow.account, flow.details = (
        RegistrationState.LINKING,
        candidate,
        json.dumps({"document": list(document)}),
    )
    flow.save(update_fields=["state", "account", "details"])
    raise MemberAreaError(LINK_OFFERED)


def registration_details_submit(
    *, flow_id, kind: str, document_type: str, document_number: str, document_country: str = "",
    email: str | None = None, phone: str | None = None, address: AddressInput | None = None,
) -> list[str]:  # fmt: skip
    """Step 2 (REG-3, REG-4): keep or replace contacts and address, give the document, send codes.

    An omitted contact keeps the one on record. Returns the channels that must now be proven
    with a code ("email", "sms"); an empty list means the password step is next.
    """
    flow = registration_get(
        flow_id=flow_id,
        kind=kind,
        states=(RegistrationState.IDENTIFIED, RegistrationState.VERIFYING, RegistrationState.LINKING),
    )
    _check_document_tries(flow)
    clean_email, clean_phone = _clean_contacts(email, phone, flow.membership)
    clean_address = _clean_address(address) if address is not None else None
    try:
        document = _clean_document(document_type, document_number, document_country)
        candidate = _link_candidate(flow, document)
        if candidate is not None:
            _offer_link(flow, candidate, document)  # counted like a refusal: documents cannot be probed freely
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
        for channel, destination in (("email", clean_email), ("sms", clean_phone)):
            if destination:
                _send_code_unless_live(flow, channel, destination)
        _update_state(flow)
    return registration_pending_channels(flow)


def _send_code_unless_live(flow: RegistrationFlow, channel: str, destination: str) -> None:
    """A code already spent or still valid for this same destination is not sent again."""
    existing = VerificationCode.objects.filter(flow_id=flow.pk, channel=channel).first()
    if (
        existing is not None
        and existing.destination == destination
        and (existing.used_at is not None or existing.expires_at > clock.now())
    ):
        return
    _send_code(flow, channel, destination)


def _send_code(flow: RegistrationFlow, channel: str, destination: str) -> VerificationCode:
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


def registration_code_verify(*, flow_id, kind: str, channel: str, code: str) -> list[str]:
    """Prove one new contact with its code (REG-4); returns the channels still waiting."""
    flow = registration_get(flow_id=flow_id, kind=kind, states=(RegistrationState.VERIFYING,))
    if channel not in registration_pending_channels(flow):
        raise MemberAreaError(INVALID, fields={"channel": [_("No code is waiting on this channel.")]})
    codes.code_use(flow_id=flow.pk, channel=channel, code=code)
    _update_state(flow)
    return registration_pending_channels(flow)


def registration_code_resend(*, flow_id, kind: str, channel: str) -> dt.datetime:
    """A new code for a contact still waiting (cooldown and send limit apply); returns when the next may go."""
    flow = registration_get(flow_id=flow_id, kind=kind, states=(RegistrationState.VERIFYING,))
    if channel not in registration_pending_channels(flow):
        raise MemberAreaError(INVALID, fields={"channel": [_("No code is waiting on this channel.")]})
    destination = _details(flow)["email" if channel == CodeChannel.EMAIL else "phone"]
    return codes.resend_after(_send_code(flow, channel, destination))


# --- step 3 --------------------------------------------------------------------------------------
def registration_complete(*, flow_id, kind: str, password: str) -> Account:
    """Step 3 (REG-5, REG-6): the password, then the account and everything it proves, at once.

    Exactly one account per person under any race: the flow is claimed with a conditional UPDATE
    (one winner per flow), and the person is linked with `account IS NULL` in its WHERE clause (one
    winner per person, across flows) before the account row is inserted.
    """
    flow = registration_get(flow_id=flow_id, kind=kind, states=(RegistrationState.READY,))
    if registration_pending_channels(flow):
        raise MemberAreaError(FLOW_EXPIRED)
    details = _details(flow)
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


# --- linking a re-joiner (REG-2) -------------------------------------------------------------------
def _link_limit() -> Limit:
    return Limit("registration-link", settings.REGISTRATION_LINK_PASSWORD_FAILURES, 15 * 60)


def registration_link_password(*, flow_id, kind: str, password: str) -> list[str]:
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
        flow.details = json.dumps({**_details(flow), "verify": [channel]})
        flow.save(update_fields=["details"])
    return [channel]


def _account_second_step(account: Account) -> tuple[str, str]:
    """Where the account's codes go: its verified email, else its verified mobile."""
    contacts = account_contacts(account)
    if not contacts.channels:
        raise MemberAreaError(DOCUMENT_TAKEN)  # no way to prove it: customer service links it
    channel = contacts.channels[0]
    return str(channel), contacts.destination(channel)


def registration_pending_link(flow: RegistrationFlow) -> list[str]:
    """The channel the link's code went to, once the password was right; empty before."""
    return _details(flow).get("verify", []) if flow.state == RegistrationState.LINKING else []


def registration_link_complete(*, flow_id, kind: str, code: str) -> Account:
    """The second step's code, then the membership moves to the account's person (audited, undoable by staff)."""
    flow = registration_get(flow_id=flow_id, kind=kind, states=(RegistrationState.LINKING,))
    channels = _details(flow).get("verify", [])
    if not channels or flow.account is None:
        raise MemberAreaError(FLOW_EXPIRED)
    codes.code_use(flow_id=flow.pk, channel=channels[0], code=code)
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
            channel="email" if channels[0] == CodeChannel.EMAIL else "sms",
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
        membership.email = details["email"]
        membership.email_index = email_index(details["email"])
        membership.email_verified, membership.email_from_insurer = True, False
    if details.get("phone"):
        if membership.mobile:
            replaced["sms"] = membership.mobile
        membership.mobile = details["phone"]
        membership.mobile_index = mobile_index(details["phone"])
        membership.mobile_verified, membership.mobile_from_insurer = True, False
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
            channel=channel,
            to=destination,
            template="registration_contact_replaced",
            language=language,
            context=context,
            subject_id=str(account.pk),
            account=account,
        )


def _send_confirmation(account: Account, membership: Membership, details: dict, language: str) -> None:
    message_enqueue(
        channel="email",
        to=details.get("email") or membership.email,
        template="registration_complete",
        language=language,
        context={"first_name": membership.first_name, "sign_in_url": sign_in_url()},
        subject_id=str(account.pk),
        account=account,
    )
