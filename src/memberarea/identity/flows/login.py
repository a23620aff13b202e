"""Sign-in with two-step verification (LOGIN-1..4) and step-up for sensitive actions (LOGIN-9).

The password step answers one thing for a wrong password and an unknown document, after one
argon2 verification either way. Failures are reserved atomically, per keyed username and per
address, before the hash is checked: past a threshold the captcha is required, past a higher one
the username is locked for a while (its owner is told) and the password is not even checked, so
the number of hash verifications an attacker gets is bounded by the settings, not by their effort.
An answer that never reached the password check (captcha required or wrong, address blocked) gives
its reservation back. The lock is scoped (decision 0031): failures from devices the account has
never used lock those; a device the owner signed in on before, or trusts, counts and locks apart,
so the owner still gets in from it with the password and the second step.

A right password opens a LoginFlow; the member picks email or SMS (masked), gets a 6-digit code
(the email also carries a one-time link that works only in the browser that started), and the
flow completes exactly once, by code or by link.
"""

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import NoReturn

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.captcha import captcha_verify
from memberarea.core.crypto import blind_index
from memberarea.core.errors import INVALID, RATE_LIMITED, MemberAreaError, id_parse
from memberarea.core.links import public_url_of
from memberarea.core.masking import mask_email, mask_phone
from memberarea.core.ratelimit import (
    Limit,
    attempt_count,
    attempt_release,
    attempt_reserve,
    attempts_clear,
    attempts_release,
    attempts_reserve_unless_locked,
    lock_clear,
    lock_set,
)
from memberarea.core.rows import row_or_none
from memberarea.identity.errors import (
    ACCOUNT_FROZEN,
    FLOW_EXPIRED,
    INVALID_CREDENTIALS,
    LINK_OTHER_BROWSER,
    NO_CHANNEL,
    REAUTHENTICATION_REQUIRED,
)
from memberarea.notifications.models import Channel
from memberarea.notifications.services import message_enqueue

from ..backends import account_by_username_index, equalising_hash
from ..contacts import AccountContacts, account_contacts
from ..devices import NO_DEVICE, DevicePresented, device_keys, device_recognised
from ..freeze import not_me_url
from ..models import Account, CodeChannel, FlowKind, LoginFlow, LoginPurpose, LoginState, SessionRecord
from ..usernames import normalise_username, username_index
from . import codes

MAX_USERNAME = 40
MAX_PASSWORD = 1024


def _limits() -> dict[str, Limit]:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    return {
        "user": Limit("login-user", settings.LOGIN_FAILURES_BEFORE_LOCK, window),  # from new devices
        "device": Limit("login-device", settings.LOGIN_FAILURES_BEFORE_LOCK, window),  # from one recognised device
        "address": Limit("login-address", settings.LOGIN_ADDRESS_FAILURES_BEFORE_BLOCK, window),
        "codes": Limit("login-codes", settings.LOGIN_CODES_PER_ACCOUNT_PER_DAY, settings.LOGIN_CODES_WINDOW_SECONDS),
    }


def _binding_hash(binding: str) -> str:
    return hashlib.sha256(binding.encode()).hexdigest() if binding else ""


# --- the password step ---------------------------------------------------------------------------
def login_start(
    *,
    username: str,
    password: str,
    captcha: str | None,
    address: str,
    kind: FlowKind,
    browser_binding: str = "",
    device: DevicePresented = NO_DEVICE,
) -> LoginFlow:
    """Document + password (LOGIN-1, LOGIN-4) → a flow waiting for the second step.

    `browser_binding`: a random value the browser keeps in its session; the email link works only
    where it is presented again. `device`: what the request shows of its device
    (`devices.device_presented`); a device the account knows is counted and locked apart from new
    ones. Raises INVALID_CREDENTIALS for every wrong combination.
    """
    username, password = username or "", password or ""
    if len(username) > MAX_USERNAME or len(password) > MAX_PASSWORD or not normalise_username(username):
        raise MemberAreaError(INVALID_CREDENTIALS)
    limits = _limits()
    user_key = username_index(username)
    scope = _scope(user_key, device_recognised(device, user_key))
    counted = (scope.limit, scope.subject), (limits["address"], address)
    reserved = attempts_reserve_unless_locked((scope.lock, scope.subject), *counted)
    if reserved is None:
        raise MemberAreaError(INVALID_CREDENTIALS)  # locked: not even checked (LOGIN-4)
    user_count, address_count = (reservation.count for reservation in reserved)
    try:
        if address_count > settings.LOGIN_ADDRESS_FAILURES_BEFORE_BLOCK:
            raise MemberAreaError(RATE_LIMITED)
        if (
            user_count > settings.LOGIN_FAILURES_BEFORE_CAPTCHA
            or address_count > settings.LOGIN_ADDRESS_FAILURES_BEFORE_CAPTCHA
        ):
            captcha_verify(captcha)
    except MemberAreaError:
        # Never reached the password: nothing to count toward a lock (decision 0031). The address
        # stays counted once it is over its block, so a blocked address stays blocked.
        attempt_release(scope.limit, scope.subject)
        if address_count <= settings.LOGIN_ADDRESS_FAILURES_BEFORE_BLOCK:
            attempt_release(limits["address"], address)
        raise
    account = account_by_username_index(user_key)
    if account is None:
        check_password(password, equalising_hash())
        _failed(None, scope, user_count)
    if not account.check_password(password) or not account.is_active:
        _failed(account, scope, user_count)
    attempts_release(*counted)
    if account.frozen_at is not None:
        raise MemberAreaError(ACCOUNT_FROZEN)
    return _flow_create(account=account, kind=kind, purpose=LoginPurpose.SIGN_IN, browser_binding=browser_binding)


@dataclass(frozen=True)
class _Scope:
    """Where a password failure counts and what it locks: the username for new devices, or the
    username on one device the account knows (decision 0031)."""

    limit: Limit
    lock: str
    subject: str
    new_device: bool


def _scope(user_key: str, recognised: str) -> _Scope:
    if recognised:
        return _Scope(_limits()["device"], "login-device", f"{user_key}:{recognised}", new_device=False)
    return _Scope(_limits()["user"], "login", user_key, new_device=True)


def _failed(account: Account | None, scope: _Scope, user_count: int) -> NoReturn:
    """The failure stays counted; at the threshold the scope is locked, known username or not (so the
    two behave alike). When new devices are locked out, an existing account's owner is told, once,
    how to get in now."""
    if user_count >= settings.LOGIN_FAILURES_BEFORE_LOCK:
        locked_now = lock_set(scope.lock, scope.subject, settings.LOGIN_LOCK_SECONDS)
        if account is not None and locked_now and scope.new_device:
            _notify_locked(account)
    raise MemberAreaError(INVALID_CREDENTIALS)


def login_failures_count(account: Account) -> int:
    """The failed passwords counted for the account's username in the current window (troubleshooting)."""
    return attempt_count(_limits()["user"], account.username_index)


def login_failures_clear(account: Account) -> None:
    """Recovery unlocks (LOGIN-4): the username's failures and locks are forgotten, for new devices
    and for each device the account knows."""
    for scope in [
        _scope(account.username_index, ""),
        *(_scope(account.username_index, key) for key in device_keys(account)),
    ]:
        attempts_clear(scope.limit, scope.subject)
        lock_clear(scope.lock, scope.subject)


def _notify_locked(account: Account) -> None:
    contacts = account_contacts(account)
    if not contacts.email:
        return
    with transaction.atomic():
        message_enqueue(
            channel=Channel.EMAIL,
            to=contacts.email,
            template="login_locked",
            language=account.language,
            context={
                "first_name": contacts.first_name,
                "minutes": settings.LOGIN_LOCK_SECONDS // 60,
                "reset_url": public_url_of("password-reset"),
            },
            subject_id=str(account.pk),
            account=account,
        )
        audit_record(event="login.locked", subject_id=str(account.pk))


def _channels(account: Account, contacts: AccountContacts) -> list[str]:
    """Email and/or SMS; only SMS after a recovery when a verified mobile exists (REC-4)."""
    if account.sms_second_step_required and contacts.mobile:
        return [CodeChannel.SMS.value]
    return [str(channel) for channel in contacts.channels]


def _flow_create(
    *, account: Account, kind: FlowKind, purpose: LoginPurpose, browser_binding: str, session=None
) -> LoginFlow:
    """A flow for an account that has somewhere to send a code (else NO_CHANNEL)."""
    contacts = account_contacts(account)
    if not _channels(account, contacts):
        raise MemberAreaError(NO_CHANNEL)
    now = clock.now()
    flow = LoginFlow.objects.create(
        id=uuid.uuid4(),
        kind=FlowKind(kind),
        purpose=purpose,
        account=account,
        session=session,
        browser_binding_hash=_binding_hash(browser_binding),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.LOGIN_FLOW_SECONDS),
    )
    flow.contacts = contacts  # the channel list answered in the same request needs no second query
    return flow


# --- reading a flow ------------------------------------------------------------------------------
def login_get(*, flow_id: uuid.UUID, kind: FlowKind, purpose: LoginPurpose = LoginPurpose.SIGN_IN) -> LoginFlow:
    flow_uuid = id_parse(flow_id, unknown=FLOW_EXPIRED)  # the edges convert; this stays safe for any caller
    flow = row_or_none(LoginFlow.objects.select_related("account").filter(pk=flow_uuid, kind=kind, purpose=purpose))
    if flow is None or flow.expires_at <= clock.now() or flow.state == LoginState.COMPLETED:
        raise MemberAreaError(FLOW_EXPIRED)
    return flow


def login_channels(flow: LoginFlow) -> list[dict[str, str]]:
    """The channels the member may choose, with masked destinations (LOGIN-2)."""
    contacts = flow.contacts or account_contacts(flow.account)
    masks = {CodeChannel.EMAIL: mask_email(contacts.email), CodeChannel.SMS: mask_phone(contacts.mobile)}
    return [
        {"channel": channel, "destination": masks[CodeChannel(channel)]}
        for channel in _channels(flow.account, contacts)
    ]


# --- the second step -----------------------------------------------------------------------------
def login_send(
    *, flow_id: uuid.UUID, kind: FlowKind, channel: CodeChannel, purpose: LoginPurpose = LoginPurpose.SIGN_IN
) -> dt.datetime:
    """Send (or resend) the code on `channel`; the email also carries the one-time link (LOGIN-3).

    Resends honour the cooldown and send limit of the code; every send counts toward the
    account's daily limit. Returns when the next send may go.
    """
    flow = login_get(flow_id=flow_id, kind=kind, purpose=purpose)
    account = flow.account
    contacts = account_contacts(account)
    if channel not in _channels(account, contacts):
        raise MemberAreaError(INVALID, fields={"channel": [_("Choose one of the ways offered.")]})
    if not attempt_reserve(_limits()["codes"], str(account.pk)).allowed:
        raise MemberAreaError(RATE_LIMITED)
    link_token = secrets.token_urlsafe(32) if channel == CodeChannel.EMAIL and kind == FlowKind.BROWSER else ""
    context = {
        "first_name": contacts.first_name,
        "not_me_url": not_me_url(account),
        "link_url": _link_url(link_token) if link_token else "",
        "step_up": purpose == LoginPurpose.STEP_UP,
    }
    with transaction.atomic():
        row = codes.code_send(
            flow_id=flow.pk,
            channel=channel,
            destination=contacts.destination(channel),
            template="login_code",
            language=account.language,
            context=context,
            account=account,
        )
        LoginFlow.objects.filter(pk=flow.pk).update(
            state=LoginState.CODE_SENT,
            channel=channel,
            link_token_hash=blind_index("login-link", link_token) if link_token else "",
        )
    return codes.resend_after(row)


def _link_url(token: str) -> str:
    return public_url_of("sign-in-link", token)


def login_verify(
    *, flow_id: uuid.UUID, kind: FlowKind, code: str, purpose: LoginPurpose = LoginPurpose.SIGN_IN
) -> LoginFlow:
    """The code (LOGIN-3): counted tries, one use; the flow completes exactly once."""
    return login_complete(login_code_spend(flow_id=flow_id, kind=kind, code=code, purpose=purpose))


def login_code_spend(
    *, flow_id: uuid.UUID, kind: FlowKind, code: str, purpose: LoginPurpose = LoginPurpose.SIGN_IN
) -> LoginFlow:
    """Spend the flow's code (LOGIN-3), counted tries, one use; `login_complete` completes the flow.

    The try commits on its own, before any transaction of the caller's, so a wrong code stays
    counted whatever follows.
    """
    flow = login_get(flow_id=flow_id, kind=kind, purpose=purpose)
    if flow.state != LoginState.CODE_SENT:
        raise MemberAreaError(FLOW_EXPIRED)
    codes.code_use(flow_id=flow.pk, channel=CodeChannel(flow.channel), code=code)
    return flow


def login_link_flow(token: str) -> LoginFlow | None:
    """The live flow an email link belongs to (for the page its GET shows), or None."""
    if not token or len(token) > 100:
        return None
    flow = (
        LoginFlow.objects.select_related("account")
        .filter(link_token_hash=blind_index("login-link", token), state=LoginState.CODE_SENT)
        .first()
    )
    return flow if flow is not None and flow.expires_at > clock.now() else None


def login_binding_matches(flow: LoginFlow, browser_binding: str) -> bool:
    """Whether this browser is the one that started the flow."""
    return bool(browser_binding and flow.browser_binding_hash) and hmac.compare_digest(
        flow.browser_binding_hash, _binding_hash(browser_binding)
    )


def login_link_use(*, token: str, browser_binding: str) -> LoginFlow:
    """The email's one-time link (POST from its page): only in the browser that started (LOGIN-3).

    In another browser nothing is spent: the member is told to type the code, and the link still
    works where it belongs.
    """
    flow = login_link_flow(token)
    if flow is None:
        raise MemberAreaError(FLOW_EXPIRED)
    if not login_binding_matches(flow, browser_binding):
        raise MemberAreaError(LINK_OTHER_BROWSER)
    return login_complete(flow)


def login_complete(flow: LoginFlow) -> LoginFlow:
    """Complete a flow whose second step was just proven; exactly once (else FLOW_EXPIRED).

    Inside a caller's transaction it takes no savepoint of its own (PERF-2): nothing here is caught
    and retried, so a failure rolls the caller's whole transaction back, as it should.
    """
    now = clock.now()
    with transaction.atomic(savepoint=False):
        completed = LoginFlow.objects.filter(pk=flow.pk, state=LoginState.CODE_SENT, expires_at__gt=now).update(
            state=LoginState.COMPLETED
        )
        if completed:
            _completed(flow, now)
    if not completed:  # raised outside the block: a caller's transaction stays usable
        raise MemberAreaError(FLOW_EXPIRED)
    return flow


def _completed(flow: LoginFlow, now: dt.datetime) -> None:
    flow.state = LoginState.COMPLETED
    account = flow.account
    if flow.purpose == LoginPurpose.STEP_UP and flow.session_id is not None:
        SessionRecord.objects.filter(pk=flow.session_id).update(reauthenticated_at=now)
    sms_proven = flow.channel == CodeChannel.SMS and account.sms_second_step_required
    Account.objects.filter(pk=account.pk).update(
        last_login=now, **({"sms_second_step_required": False} if sms_proven else {})
    )
    audit_record(
        event="login.completed" if flow.purpose == LoginPurpose.SIGN_IN else "login.stepped_up",
        actor_id=str(account.pk),
        subject_id=str(flow.pk),
        data={"channel": flow.channel, "kind": flow.kind},
    )


def login_complete_on_trusted_device(flow: LoginFlow) -> LoginFlow:
    """No code on a device the member trusted (LOGIN-6); the caller has checked the device cookie."""
    LoginFlow.objects.filter(pk=flow.pk, state=LoginState.CHOOSE).update(state=LoginState.CODE_SENT)
    flow.state = LoginState.CODE_SENT
    return login_complete(flow)


# --- step-up (LOGIN-9) ---------------------------------------------------------------------------
def step_up_start(*, session: SessionRecord, kind: FlowKind, browser_binding: str = "") -> LoginFlow:
    """A second step for the signed-in session, before a sensitive action."""
    return _flow_create(
        account=session.account,
        kind=kind,
        purpose=LoginPurpose.STEP_UP,
        browser_binding=browser_binding,
        session=session,
    )


def step_up_get(*, flow_id: uuid.UUID, session: SessionRecord | None, kind: FlowKind) -> LoginFlow:
    """A live step-up flow of `session`: one started by another session (even of the same account)
    is FLOW_EXPIRED, as an unknown one is, so a flow id cannot be borrowed across sessions."""
    flow = login_get(flow_id=flow_id, kind=kind, purpose=LoginPurpose.STEP_UP)
    if session is None or flow.session_id != session.pk:
        raise MemberAreaError(FLOW_EXPIRED)
    return flow


def step_up_send(
    *, flow_id: uuid.UUID, session: SessionRecord | None, kind: FlowKind, channel: CodeChannel
) -> dt.datetime:
    """Send the step-up code of this session's flow (LOGIN-9); returns when the next send may go."""
    flow = step_up_get(flow_id=flow_id, session=session, kind=kind)
    return login_send(flow_id=flow.pk, kind=kind, channel=channel, purpose=LoginPurpose.STEP_UP)


def step_up_verify(*, flow_id: uuid.UUID, session: SessionRecord | None, kind: FlowKind, code: str) -> LoginFlow:
    """The step-up code of this session's flow: the session is fresh for STEP_UP_SECONDS (LOGIN-9)."""
    flow = step_up_get(flow_id=flow_id, session=session, kind=kind)
    return login_verify(flow_id=flow.pk, kind=kind, code=code, purpose=LoginPurpose.STEP_UP)


def step_up_fresh(session: SessionRecord | None) -> bool:
    """Whether the session proved the second step within STEP_UP_SECONDS (sign-in counts)."""
    if session is None:
        return False
    proven = max(filter(None, (session.reauthenticated_at, session.created_at)))
    return clock.now() - proven < dt.timedelta(seconds=settings.STEP_UP_SECONDS)


def step_up_require(session: SessionRecord | None) -> None:
    if not step_up_fresh(session):
        raise MemberAreaError(REAUTHENTICATION_REQUIRED)
