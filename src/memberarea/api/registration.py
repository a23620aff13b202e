"""Registration for the mobile app (REG-1..6, API-1): the same flow functions as the web pages.

The flow id is the app's handle on its registration; it is random, expires with the flow, and only
drives flows started by the API. Every answer other than 2xx is the one error shape, and every
code an endpoint can answer is listed in the OpenAPI document.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from memberarea.core.network import client_address
from memberarea.enrollment.identifiers import MAX_MOBILE
from memberarea.identity.errors import flow_id_parse
from memberarea.identity.flows.registration.complete import registration_complete
from memberarea.identity.flows.registration.details import (
    MAX_DOCUMENT,
    MAX_TEXT,
    AddressInput,
    registration_code_resend,
    registration_code_verify,
    registration_details_submit,
)
from memberarea.identity.flows.registration.identify import registration_start
from memberarea.identity.flows.registration.link import registration_link_complete, registration_link_password
from memberarea.identity.flows.registration.state import registration_summary
from memberarea.identity.models import CodeChannel, FlowKind
from memberarea.identity.sign_in import sign_in_finish
from memberarea.privacy.notices import notice_acknowledge_at_registration

from .declared import raises
from .fields import COUNTRY_PATTERN, DOCUMENT_PATTERN, birth_date_field, member_number_field, policy_number_field

router = Router(tags=["registration"])
API = FlowKind.API


class StartIn(Schema):
    member_number: str = member_number_field()
    date_of_birth: str = birth_date_field()
    policy_number: str = policy_number_field()
    captcha: str | None = Field(
        None, description="An ALTCHA solution (see GET /captcha); required after repeated failures (captcha_required)"
    )


class AddressOut(Schema):
    line1: str = Field(description="masked")
    line2: str = Field(description="masked")
    postal_code: str
    city: str
    province: str
    country: str


class DetailsOut(Schema):
    first_name: str
    last_name: str
    address: AddressOut
    email: str = Field(description="masked, e.g. j•••@e•••.es; empty when none is on record")
    phone: str = Field(description="masked, e.g. ••• ••• •78; empty when none is on record")


class StartOut(Schema):
    flow_id: str
    expires_at: dt.datetime
    details: DetailsOut


class AddressIn(Schema):
    line1: str = Field(min_length=1, max_length=MAX_TEXT)
    line2: str = Field("", max_length=MAX_TEXT)
    postal_code: str = Field(min_length=1, max_length=MAX_TEXT)
    city: str = Field(min_length=1, max_length=MAX_TEXT)
    province: str = Field("", max_length=MAX_TEXT)
    country: str = Field("ES", pattern=COUNTRY_PATTERN, description="ISO 3166 alpha-2")


class DetailsIn(Schema):
    address: AddressIn | None = Field(None, description="omit to keep the address on record")
    email: str | None = Field(
        None,
        description="omit to keep the email on record; a new one gets a code",
        max_length=MAX_TEXT,
        json_schema_extra={"format": "email"},
    )
    phone: str | None = Field(
        None,
        description="a mobile that receives SMS (Spanish, or international with +); omit to keep the one on "
        "record; a new one gets an SMS code",
        max_length=MAX_MOBILE,
        examples=["612 345 678", "+44 7700 900123"],
    )
    document_type: Literal["nif", "nie", "passport"]
    document_number: str = Field(
        description="becomes the username; must match the document on record, if any: a NIF with its letter, a "
        "NIE with its first and last letters, or 5 to 20 letters and digits of a passport",
        max_length=MAX_DOCUMENT,
        pattern=DOCUMENT_PATTERN,
        examples=["23456789D", "X2345678T"],
    )
    document_country: str | None = Field(
        None, description="ISO 3166 alpha-2 issuing country, passports only", pattern=COUNTRY_PATTERN
    )


class VerifyOut(Schema):
    verify: list[Literal["email", "sms"]] = Field(description="channels still waiting for their code")


class RegistrationCodeIn(Schema):
    channel: Literal["email", "sms"]
    code: str


class RegistrationChannelIn(Schema):
    channel: Literal["email", "sms"]


class RegistrationResendOut(Schema):
    resend_after: dt.datetime


class RegistrationPasswordIn(Schema):
    password: str


class RegistrationSessionOut(Schema):
    username: str
    access_token: str = Field(description="send as `Authorization: Bearer …`; lives 15 minutes")
    refresh_token: str = Field(description="exchange for a new pair; rotates at each use")
    expires_at: dt.datetime = Field(description="when the access token expires")


@router.post(
    "",
    response={201: StartOut},
    summary="Step 1: identify with member number, date of birth and policy number",
)
@raises(
    "no_match",
    "minor",
    "international_plan",
    "policy_inactive",
    "already_registered",
    ("captcha_required", "after repeated failures: fetch GET /captcha and send its solution"),
    ("captcha_invalid", "a wrong, expired or reused solution"),
    ("rate_limited", "too many failures"),
)
def start(request, payload: StartIn):
    started = registration_start(
        member_number=payload.member_number,
        date_of_birth=payload.date_of_birth,
        policy_number=payload.policy_number,
        captcha=payload.captcha,
        address=client_address(request),
        kind=API,
        language=request.LANGUAGE_CODE,
    )
    summary = registration_summary(started)
    return Status(201, {"flow_id": str(started.pk), "expires_at": started.expires_at, "details": summary})


@router.post(
    "/{flow_id}/details",
    response={200: VerifyOut},
    summary="Step 2: keep or replace contacts and address, and give the identity document",
)
@raises(
    "document_mismatch",
    "document_taken",
    "too_many_attempts",
    "flow_expired",
    ("link_offered", "the document has an account: POST …/link with its password"),
)
def details(request, flow_id: str, payload: DetailsIn):
    address = AddressInput(**payload.address.dict()) if payload.address else None
    verify = registration_details_submit(
        flow_id=flow_id_parse(flow_id),
        kind=API,
        document_type=payload.document_type,
        document_number=payload.document_number,
        document_country=payload.document_country or "",
        email=payload.email,
        phone=payload.phone,
        address=address,
    )
    return {"verify": verify}


@router.post(
    "/{flow_id}/verify",
    response={200: VerifyOut},
    summary="Prove a new email or mobile with the code sent to it",
)
@raises("invalid_code", "code_expired", "too_many_attempts", "flow_expired")
def verify(request, flow_id: str, payload: RegistrationCodeIn):
    return {
        "verify": registration_code_verify(
            flow_id=flow_id_parse(flow_id), kind=API, channel=CodeChannel(payload.channel), code=payload.code
        )
    }


@router.post(
    "/{flow_id}/resend",
    response={200: RegistrationResendOut},
    summary="Send a new code to a contact still waiting",
)
@raises("flow_expired", ("rate_limited", "cooldown"), ("too_many_attempts", "send limit"))
def resend(request, flow_id: str, payload: RegistrationChannelIn):
    return {
        "resend_after": registration_code_resend(
            flow_id=flow_id_parse(flow_id), kind=API, channel=CodeChannel(payload.channel)
        )
    }


@router.post(
    "/{flow_id}/password",
    response={201: RegistrationSessionOut},
    summary="Step 3: choose the password; the account is created and signed in",
    description="Show the privacy notice in force (GET /privacy/notices/notice) before this step: creating the "
    "account records that the member read that version.",
)
@raises(
    "already_registered",
    "document_taken",
    "flow_expired",
    ("password_policy", "one message per broken rule in fields.password"),
)
def password(request, flow_id: str, payload: RegistrationPasswordIn):
    account = registration_complete(flow_id=flow_id_parse(flow_id), kind=API, password=payload.password)
    notice_acknowledge_at_registration(account=account)  # the app shows the notice in force first (PRIV-1)
    return _signed_in(request, account)


def _signed_in(request, account) -> Status:
    tokens = sign_in_finish(request=request, account=account).tokens  # the app registered on: known
    return Status(
        201,
        {
            "username": account.username,
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at,
        },
    )


@router.post(
    "/{flow_id}/link",
    response={200: VerifyOut},
    summary="Re-joiner: confirm the password of the account the document belongs to",
    description="Only after details answered link_offered. Sends a code to the account's verified email (or mobile).",
)
@raises("invalid_credentials", "rate_limited", "flow_expired")
def link(request, flow_id: str, payload: RegistrationPasswordIn):
    return {"verify": registration_link_password(flow_id=flow_id_parse(flow_id), kind=API, password=payload.password)}


class RegistrationLinkCodeIn(Schema):
    code: str


@router.post(
    "/{flow_id}/link/verify",
    response={201: RegistrationSessionOut},
    summary="Re-joiner: the code; the membership is linked to the account, which is signed in",
)
@raises("invalid_code", "code_expired", "too_many_attempts", "flow_expired")
def link_verify(request, flow_id: str, payload: RegistrationLinkCodeIn):
    account = registration_link_complete(flow_id=flow_id_parse(flow_id), kind=API, code=payload.code)
    return _signed_in(request, account)
