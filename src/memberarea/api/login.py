"""Sign-in and step-up for the mobile app (LOGIN-1..5, LOGIN-9): the same flow functions as the web.

The app receives the flow as `login_id`; the email carries no link for app flows (the link only
works in the browser that started), so the app always asks for the code. The app names its
installation with an `X-Device-Id` header (16–128 letters, digits, "-" or "_"), so that only a new
installation triggers the "new sign-in" email (LOGIN-6).
"""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from memberarea.core.network import client_address
from memberarea.identity.devices import device_presented
from memberarea.identity.errors import flow_id_parse
from memberarea.identity.flows import login as flow
from memberarea.identity.models import CodeChannel, FlowKind
from memberarea.identity.sign_in import app_sign_in_verify

from .auth import app_token
from .declared import raises
from .privacy_notices import NoticeToAcknowledge, notice_to_acknowledge_out

router = Router(tags=["sign-in"])
API = FlowKind.API


class LoginIn(Schema):
    username: str = Field(description="The identity document the member registered with")
    password: str
    captcha: str | None = Field(None, description="An ALTCHA solution; required after repeated failures")


class ChannelOut(Schema):
    channel: Literal["email", "sms"]
    destination: str = Field(description="masked")


class LoginOut(Schema):
    login_id: str
    expires_at: dt.datetime
    channels: list[ChannelOut]


class SendIn(Schema):
    channel: Literal["email", "sms"]


class SendOut(Schema):
    resend_after: dt.datetime


class LoginCodeIn(Schema):
    code: str


class TokensOut(Schema):
    access_token: str = Field(description="send as `Authorization: Bearer …`; lives 15 minutes")
    refresh_token: str = Field(description="exchange at POST /token/refresh; rotates at each use")
    expires_at: dt.datetime = Field(description="when the access token expires")


class SignedInOut(TokensOut):
    notice_to_acknowledge: NoticeToAcknowledge | None = Field(
        description='a new privacy notice version to show with "I have read it" before anything else (null '
        "when none): show it, then POST /privacy/notices/notice/acknowledgement"
    )


def _flow_out(started) -> dict:
    return {"login_id": str(started.pk), "expires_at": started.expires_at, "channels": flow.login_channels(started)}


@router.post(
    "/login",
    response={201: LoginOut},
    summary="Sign-in, step 1: identity document and password",
    description="One answer for every wrong combination of document and password. Send the installation's "
    "`X-Device-Id` header: after failures from elsewhere, an installation the member signed in on before "
    "is not locked out with the others.",
)
@raises(
    "invalid_credentials",
    "captcha_required",
    "captcha_invalid",
    "rate_limited",
    "account_frozen",
    ("no_channel", "the account has no verified email or mobile to send the code to"),
)
def login(request, payload: LoginIn):
    started = flow.login_start(
        username=payload.username,
        password=payload.password,
        captcha=payload.captcha,
        address=client_address(request),
        kind=API,
        device=device_presented(request, app=True),
    )
    return Status(201, _flow_out(started))


@router.post(
    "/login/{login_id}/send",
    response={200: SendOut},
    summary="Sign-in, step 2: send the code by email or SMS",
    description="A channel the flow did not offer is `invalid`.",
)
@raises("flow_expired", ("rate_limited", "cooldown or daily limit"), ("too_many_attempts", "send limit"))
def send(request, login_id: str, payload: SendIn):
    return {
        "resend_after": flow.login_send(flow_id=flow_id_parse(login_id), kind=API, channel=CodeChannel(payload.channel))
    }


@router.post(
    "/login/{login_id}/verify",
    response={201: SignedInOut},
    summary="Sign-in, step 3: the code; answers the app session's tokens",
    description="Send the installation's `X-Device-Id` header (16–128 letters, digits, - or _): a sign-in from an "
    "installation not seen before emails the member.",
)
@raises("invalid_code", "code_expired", "too_many_attempts", "flow_expired")
def verify(request, login_id: str, payload: LoginCodeIn):
    signed_in = app_sign_in_verify(request=request, flow_id=flow_id_parse(login_id), code=payload.code)
    tokens = signed_in.tokens
    return Status(
        201,
        {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at,
            "notice_to_acknowledge": notice_to_acknowledge_out(signed_in.session.account, request=request),
        },
    )


@router.post(
    "/reauthenticate",
    auth=app_token,
    response={201: LoginOut},
    summary="Step-up: start a second step for the signed-in session before a sensitive action",
    description="Then send the code with POST /reauthenticate/{login_id}/send and verify it.",
)
@raises("no_channel")
def reauthenticate(request):
    return Status(201, _flow_out(flow.step_up_start(session=request.auth, kind=API)))


@router.post(
    "/reauthenticate/{login_id}/send",
    auth=app_token,
    response={200: SendOut},
    summary="Step-up: send the code",
)
@raises("rate_limited", "too_many_attempts", ("flow_expired", "also for a step-up started by another session"))
def reauthenticate_send(request, login_id: str, payload: SendIn):
    return {
        "resend_after": flow.step_up_send(
            flow_id=flow_id_parse(login_id), session=request.auth, kind=API, channel=CodeChannel(payload.channel)
        )
    }


@router.post(
    "/reauthenticate/{login_id}/verify",
    auth=app_token,
    response={204: None},
    summary="Step-up: the code; sensitive actions are allowed for the next few minutes",
)
@raises(
    "invalid_code",
    "code_expired",
    "too_many_attempts",
    ("flow_expired", "also for a step-up started by another session"),
)
def reauthenticate_verify(request, login_id: str, payload: LoginCodeIn):
    flow.step_up_verify(flow_id=flow_id_parse(login_id), session=request.auth, kind=API, code=payload.code)
    return Status(204, None)
