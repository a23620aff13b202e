"""The signed-in member's account for the app: profile, language, password, contacts (issue 5 settings).

Every endpoint needs a live access token; password and contact changes also need a fresh step-up
(`reauthentication_required` otherwise: POST /reauthenticate first).
"""

from typing import Literal

from ninja import Field, Router, Schema, Status

from memberarea.identity import account_settings
from memberarea.identity.errors import flow_id_parse
from memberarea.identity.flows.login import step_up_require
from memberarea.identity.models import CodeChannel, FlowKind
from memberarea.identity.services import account_language_set
from memberarea.members.selectors import account_profile

from .auth import app_token
from .declared import raises
from .privacy_notices import NoticeToAcknowledge, notice_to_acknowledge_out

router = Router(tags=["account"], auth=app_token)
STEP_UP = "the last step-up is older than STEP_UP_SECONDS: POST /reauthenticate first"


class MeMemberOut(Schema):
    member_id: str = Field(description="UUID of the membership")
    name: str
    relationship: str = Field(description="holder | spouse_partner | child | other")
    is_self: bool


class MeOut(Schema):
    username: str
    language: Literal["es", "en"]
    email: str
    phone: str
    members: list[MeMemberOut]
    notice_to_acknowledge: NoticeToAcknowledge | None = Field(
        description="a new privacy notice version the member has not acknowledged yet (null when none)"
    )


class LanguageIn(Schema):
    language: Literal["es", "en"]


class PasswordChangeIn(Schema):
    current_password: str
    password: str


class ContactIn(Schema):
    channel: Literal["email", "sms"]
    value: str = Field(
        description="the new email address (channel email), or the new mobile number (channel sms)",
        examples=["nueva@example.org", "612 345 678"],
    )


class ContactStartOut(Schema):
    change_id: str
    verify: list[Literal["email", "sms"]]


class ContactConfirmIn(Schema):
    change_id: str
    code: str


@router.get("/me", response={200: MeOut}, summary="The signed-in member's account")
@raises()
def me(request):
    account = request.auth.account
    return {**account_profile(account), "notice_to_acknowledge": notice_to_acknowledge_out(account)}


@router.put(
    "/me/language",
    response={204: None},
    summary="Remember the member's language (emails and SMS follow it)",
)
@raises()
def language(request, payload: LanguageIn):
    account_language_set(account=request.auth.account, language=payload.language)
    return Status(204, None)


@router.put(
    "/me/password",
    response={204: None},
    summary="Change the password; this session stays, every other one ends",
    description="This app session stays signed in and its tokens keep working; every other browser and app "
    "session ends (their tokens stop working at once) and every trusted device is forgotten.",
)
@raises(
    ("reauthentication_required", STEP_UP),
    ("current_password_incorrect", "in fields.current_password"),
    ("password_policy", "one message per broken rule in fields.password"),
)
def password(request, payload: PasswordChangeIn):
    account_settings.account_password_change(
        account=request.auth.account,
        session=request.auth,
        current_password=payload.current_password,
        new_password=payload.password,
    )
    return Status(204, None)


@router.put(
    "/me/contact",
    response={202: ContactStartOut},
    summary="Replace the email or mobile: a code goes to the new one",
    description="Confirm with PUT /me/contact/verify.",
)
@raises("contact_change_on_hold", ("reauthentication_required", STEP_UP))
def contact(request, payload: ContactIn):
    started = account_settings.account_contact_change_start(
        account=request.auth.account,
        session=request.auth,
        channel=CodeChannel(payload.channel),  # the schema's Literal has checked it
        value=payload.value,
        kind=FlowKind.API,
    )
    return Status(202, {"change_id": str(started.pk), "verify": [payload.channel]})


@router.put(
    "/me/contact/verify",
    response={204: None},
    summary="The code from the new contact; the old one is told",
    description="Only the app session that started the change, while its step-up is fresh.",
)
@raises(
    "invalid_code",
    "code_expired",
    "too_many_attempts",
    ("reauthentication_required", STEP_UP),
    ("flow_expired", "also for a change started by another session"),
)
def contact_verify(request, payload: ContactConfirmIn):
    step_up_require(request.auth)  # a stale session hears so before anything about the change id
    account_settings.account_contact_change_confirm(
        account=request.auth.account,
        session=request.auth,
        flow_id=flow_id_parse(payload.change_id),
        kind=FlowKind.API,
        code=payload.code,
    )
    return Status(204, None)
