"""Finishing a sign-in, once for every way in (LOGIN-5, LOGIN-6, UI-1).

Four places prove a member and then sign them in: the web's second step (code, email link or a
trusted device), the web's registration, and the app's sign-in and registration. What follows the
proof is the same everywhere and lives here: the session starts (a browser session or an app
session with its tokens), the device is noted (a new one emails the member), the browser is
trusted when the member asked for it, and the browser keeps the language it signed in with.
Then every hook in `SIGNED_IN` runs: upper apps add theirs at start-up (the privacy app records the
notice version in force), since identity never imports them.
"""

import uuid
from dataclasses import dataclass
from typing import Protocol, overload

from django.http import HttpResponseBase
from django.utils import translation

from memberarea.core.audit import audit_batch

from .devices import known_device_check, trusted_device_remember
from .flows import login
from .models import Account, FlowKind, SessionRecord
from .sessions import AppTokens, app_session_start, browser_session_start

# The language the browser was using when it signed in; it wins over the account's saved one for
# the rest of the session (AccountLanguageMiddleware), so the pages do not switch under the member.
SESSION_LANGUAGE_KEY = "_memberarea_language"


class SignedInHook(Protocol):
    def __call__(self, *, request, account: Account, session: SessionRecord) -> None: ...


# Called after every sign-in, web or app, once the session exists; filled by upper apps' AppConfig.ready.
SIGNED_IN: list[SignedInHook] = []


@dataclass(frozen=True)
class SignedIn:
    """The started session; `tokens` only for the app."""

    session: SessionRecord
    tokens: AppTokens | None = None


@dataclass(frozen=True)
class AppSignedIn(SignedIn):
    """The app's sign-in always carries its token pair."""

    tokens: AppTokens


@overload
def sign_in_finish(*, request, account: Account, response: None = None, trust_device: bool = False) -> AppSignedIn: ...
@overload
def sign_in_finish(
    *, request, account: Account, response: HttpResponseBase, trust_device: bool = False
) -> SignedIn: ...
def sign_in_finish(
    *, request, account: Account, response: HttpResponseBase | None = None, trust_device: bool = False
) -> SignedIn:
    """Start the session of a member just proven, note the device, and trust it if asked.

    `response` is the browser's response (it receives the device cookies); None means the app,
    which gets a token pair and names its installation with the X-Device-Id header.
    """
    signed_in: SignedIn
    if response is None:
        known_device_check(request=request, response=None, account=account)
        tokens = app_session_start(account=account, request=request)
        signed_in = AppSignedIn(session=tokens.session, tokens=tokens)
    else:
        language = translation.get_language()
        record = browser_session_start(request=request, account=account)
        request.session[SESSION_LANGUAGE_KEY] = language
        if trust_device:
            trusted_device_remember(request=request, response=response, account=account)
        known_device_check(request=request, response=response, account=account)
        signed_in = SignedIn(session=record)
    for hook in SIGNED_IN:
        hook(request=request, account=account, session=signed_in.session)
    return signed_in


def app_sign_in_verify(*, request, flow_id: uuid.UUID, code: str) -> AppSignedIn:
    """The app's second step (LOGIN-3, LOGIN-5): the code, then the flow's completion and the session.

    The try on the code commits first, so a wrong one stays counted. The completion, the session
    and the sign-in hooks then commit as one transaction, their audit entries appended together
    (PERF-2, decision 0045): a sign-in is all there or not at all.
    """
    flow = login.login_code_spend(flow_id=flow_id, kind=FlowKind.API, code=code)
    with audit_batch():
        login.login_complete(flow)
        return sign_in_finish(request=request, account=flow.account)
