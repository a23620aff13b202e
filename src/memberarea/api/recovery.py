"""Password recovery and the forgotten username for the mobile app (REC-1..4, LOGIN-8, API-1).

The same flow functions as the web pages. Both requests answer 202 with an empty body whatever the
data named (REL-5): the email, if any, is sent by the worker. The link in the email opens the web
page; an app that handles the link itself sends its token to /password-reset/confirm.
"""

from ninja import Field, Router, Schema, Status

from memberarea.core.captcha import MAX_PAYLOAD_CHARS
from memberarea.core.network import client_address
from memberarea.identity.flows import recovery
from memberarea.identity.flows.username_reminder import username_reminder_request

from .declared import raises
from .fields import birth_date_field, member_number_field, policy_number_field, username_field

router = Router(tags=["recovery"])

CAPTCHA = Field(
    None,
    description="An ALTCHA solution (see GET /captcha); always required (captcha_required, captcha_invalid)",
    max_length=MAX_PAYLOAD_CHARS,
)
REQUEST_ERRORS = raises("captcha_required", "captcha_invalid", "rate_limited")


class Accepted(Schema):
    """Always empty: the answer never tells whether an account or a membership exists."""


class RecoveryIn(Schema):
    username: str = username_field()
    captcha: str | None = CAPTCHA


class ConfirmIn(Schema):
    token: str = Field(
        description="The token at the end of the emailed link (/password-reset/<token>/)", max_length=200
    )
    password: str = Field(description="The new password; the rules are those of registration step 3")


class ReminderIn(Schema):
    member_number: str = member_number_field()
    policy_number: str = policy_number_field()
    date_of_birth: str = birth_date_field()
    captcha: str | None = CAPTCHA


@router.post(
    "/password-reset",
    response={202: Accepted},
    summary="Ask for a password-recovery link by email",
    description="Answers 202 {} whether or not the account exists; if it does, its verified emails get a link that "
    "works once, for RECOVERY_LINK_HOURS (24) hours.",
)
@REQUEST_ERRORS
def password_reset(request, payload: RecoveryIn):
    recovery.recovery_request(
        username=payload.username,
        captcha=payload.captcha,
        address=client_address(request),
        language=request.LANGUAGE_CODE,
    )
    return Status(202, {})


@router.post(
    "/password-reset/confirm",
    response={204: None},
    summary="Set the new password with the link's token",
    description="Every session and app token of the account ends, every verified contact is told, and the next "
    "sign-in needs the second step (by SMS when the account has a verified mobile). No session is started.",
)
@raises(
    ("password_policy", "one message per broken rule in fields.password"),
    ("link_invalid", "used, replaced by a newer link or expired"),
)
def password_reset_confirm(request, payload: ConfirmIn):
    recovery.recovery_complete(token=payload.token, password=payload.password)
    return Status(204, None)


@router.post(
    "/username-reminder",
    response={202: Accepted},
    summary="Email the member the identity document they registered with",
    description="Answers 202 {} whether or not the facts match; if they match a member with an account, its "
    "verified emails get the document's type and its masked number.",
)
@REQUEST_ERRORS
def username_reminder(request, payload: ReminderIn):
    username_reminder_request(
        member_number=payload.member_number,
        policy_number=payload.policy_number,
        date_of_birth=payload.date_of_birth,
        captcha=payload.captcha,
        address=client_address(request),
        language=request.LANGUAGE_CODE,
    )
    return Status(202, {})
