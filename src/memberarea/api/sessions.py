"""App sessions and the session registry for the mobile app (LOGIN-5, LOGIN-6, API-1).

The app refreshes its 15-minute access token with its refresh token, which rotates at every use:
keep only the newest one and never send two refreshes at once, since a refresh token presented a
second time ends its session (`token_reused`). The registry endpoints act on the same list as the
web page "Your sessions and devices".
"""

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Router, Schema, Status

from memberarea.core.errors import id_parse
from memberarea.identity.sessions import (
    app_session_end,
    app_session_refresh,
    session_end,
    sessions_end_others,
    sessions_for,
)

from .auth import app_token
from .declared import raises

router = Router(tags=["sessions"])


class RefreshIn(Schema):
    refresh_token: str = Field(max_length=512, description="the newest refresh token the app holds")


class RefreshedTokensOut(Schema):
    access_token: str = Field(description="send as `Authorization: Bearer …`; lives 15 minutes")
    refresh_token: str = Field(description="replaces the one sent, which no longer works")
    expires_at: dt.datetime = Field(description="when the access token expires")


class SessionOut(Schema):
    session_id: uuid.UUID = Field(description="the id to end it with DELETE /sessions/{session_id}")
    kind: Literal["browser", "app", "trusted_device"] = Field(
        description="trusted_device: a browser that signs in without a code (LOGIN-6)"
    )
    device: str = Field(description='a label in the request\'s language, e.g. "Chrome on Android"')
    browser: str = Field(
        description='the browser ("Firefox") or the brand\'s app, from the user agent; empty if unknown'
    )
    system: str = Field(
        description='the operating system ("Android", "Windows" …), from the user agent; empty if unknown'
    )
    network: str = Field(description="secondary detail: the network it was started from (/24 or /48), empty if unknown")
    created_at: dt.datetime
    last_seen_at: dt.datetime = Field(description="last use, to the minute")
    current: bool = Field(description='the session making this request ("this device")')
    trusted_until: dt.datetime | None = Field(
        None, description="for a trusted_device entry: until when it signs in without a code; null otherwise"
    )


class EndedOut(Schema):
    ended: int = Field(description="how many sessions and trusted devices were ended")


@router.post(
    "/token/refresh",
    response={200: RefreshedTokensOut},
    summary="Exchange the refresh token for a new access and refresh token",
    description="The refresh token sent is retired.",
)
@raises(
    ("unauthenticated", "unknown token, or a session that is idle for 30 days, past its 90 days or ended"),
    ("token_reused", "the token was already exchanged: the session has ended; sign in again"),
)
def refresh(request, payload: RefreshIn):
    tokens = app_session_refresh(refresh_token=payload.refresh_token)
    return {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token, "expires_at": tokens.expires_at}


@router.post(
    "/logout",
    auth=app_token,
    response={204: None},
    summary="End this app session",
    description="Its access and refresh tokens stop working at once.",
)
@raises()
def logout(request):
    app_session_end(session=request.auth, reason="signed_out")
    return Status(204, None)


@router.get(
    "/sessions",
    auth=app_token,
    response={200: list[SessionOut]},
    summary="Every live session and trusted device of the account, most recently used first",
)
@raises()
def sessions(request):
    return [
        {
            "session_id": entry.id,
            "kind": entry.kind,
            "device": entry.device,
            "browser": entry.browser,
            "system": entry.system,
            "network": entry.network,
            "created_at": entry.created_at,
            "last_seen_at": entry.last_seen_at,
            "current": entry.current,
            "trusted_until": entry.trusted_until,
        }
        for entry in sessions_for(request.auth.account, current_session_id=request.auth.pk)
    ]


@router.delete(
    "/sessions/{session_id}",
    auth=app_token,
    response={204: None},
    summary="End one session, or forget one trusted device",
    description="Only the account's own entries.",
)
@raises(("not_found", "no live entry of this account has this id"))
def end(request, session_id: str):
    account = request.auth.account
    session_end(account=account, session_id=id_parse(session_id), actor=account)
    return Status(204, None)


@router.delete(
    "/sessions",
    auth=app_token,
    response={200: EndedOut},
    summary="End every other session and forget every trusted device",
    description="This app session stays.",
)
@raises()
def end_others(request):
    return {"ended": sessions_end_others(account=request.auth.account, keep=request.auth)}
