"""The session registry (LOGIN-5): every browser and app session of an account, in one table.

App sessions get random tokens, stored as SHA-256 hashes (they carry 256 bits of randomness, so a
plain hash is enough): a 15-minute access token and a refresh token that rotates at each use. A
refresh token presented after its rotation has been copied, so its session ends (`token_reused`).
Browser sessions are Django sessions, cycled at sign-in; the session holds its registry id and
`session_middleware` checks the entry on every request, so ending an entry signs that browser out
whatever the session store. `last_seen_at` is written at most once a minute.

The registry lists trusted devices (LOGIN-6) too, so the member can forget them where they end
sessions. docs/decisions/0014-sessions-and-devices.md explains the choices.

Longer than 400 lines on purpose: browser sessions, app tokens and the member's list of them share
one liveness rule (`_live`, `_end_reason`, `_session_close`); split apart, those rules would drift.
"""

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass, replace
from typing import Final, Literal

from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.brand import brand
from memberarea.core.errors import NOT_FOUND, UNAUTHENTICATED, MemberAreaError
from memberarea.core.network import address_network, client_address
from memberarea.core.rows import PreparedRead, row_or_none
from memberarea.identity.errors import TOKEN_REUSED

from .backends import account_signed_in
from .models import Account, RetiredRefreshToken, SessionKind, SessionRecord, TrustedDevice

BROWSER_SESSION_KEY = "_memberarea_session_record"
TRUSTED_DEVICE: Final = "trusted_device"  # the registry's third kind of entry, beside SessionKind's two
# last_seen_at is written at most this often: a page load or API call must not write every time.
LAST_SEEN_EVERY = dt.timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class AppTokens:
    session: SessionRecord
    access_token: str
    refresh_token: str
    expires_at: dt.datetime


def user_agent_of(request) -> str:
    """The caller's user agent, cut to what the registry stores; labels are made from it when shown."""
    return (request.META.get("HTTP_USER_AGENT") or "")[:200]


def network_of(request) -> str:
    """The caller's network (/24, /48): enough for the member to recognise a place, not an address."""
    return address_network(client_address(request))


# --- device labels -------------------------------------------------------------------------------
# Checked in order, because agents name the engines they descend from: Edge also says Chrome and
# Safari, Chrome also says Safari, Android says Linux and an iPhone says "like Mac OS X".
_BROWSERS = (
    (("Edg/", "EdgA/", "EdgiOS/", "Edge/"), "Edge"),
    (("OPR/", "OPiOS/"), "Opera"),
    (("SamsungBrowser/",), "Samsung Internet"),
    (("Firefox/", "FxiOS/"), "Firefox"),
    (("Chrome/", "CriOS/", "Chromium/"), "Chrome"),
    (("Safari/",), "Safari"),
)
_SYSTEMS = (
    (("Windows",), "Windows"),
    (("Android",), "Android"),
    (("iPhone", "iPod"), "iPhone"),
    (("iPad",), "iPad"),
    (("CrOS",), "ChromeOS"),
    (("Macintosh", "Mac OS X"), "macOS"),
    (("Linux",), "Linux"),
)


def _first_named(user_agent: str, table: tuple[tuple[tuple[str, ...], str], ...]) -> str:
    return next((name for markers, name in table if any(marker in user_agent for marker in markers)), "")


def device_parts(user_agent: str, kind: str = SessionKind.BROWSER) -> tuple[str, str]:
    """The program (a browser's name, or the brand's app) and the operating system, "" when unknown."""
    if kind == SessionKind.APP:
        program = gettext("%(brand)s app") % {"brand": brand()["name"]}
    else:
        program = _first_named(user_agent, _BROWSERS)
    return program, _first_named(user_agent, _SYSTEMS)


def device_label(user_agent: str, kind: str = SessionKind.BROWSER) -> str:
    """A short name the member recognises ("Chrome on Android"), in the active language.

    Deliberately small: the list needs a recognisable name, not a device database, and an agent
    can claim to be anything anyway. App sessions are named after the brand's app.
    """
    program, system = device_parts(user_agent, kind)
    if program and system:
        return gettext("%(program)s on %(system)s") % {"program": program, "system": system}
    if program:
        return program
    if system:
        return gettext("A browser on %(system)s") % {"system": system}
    return gettext("Unknown browser")


# --- liveness ------------------------------------------------------------------------------------
def _idle_limit(kind: str) -> dt.timedelta:
    if kind == SessionKind.APP:
        return dt.timedelta(days=settings.APP_SESSION_IDLE_DAYS)
    return dt.timedelta(seconds=settings.SESSION_IDLE_SECONDS)


def _live(now: dt.datetime) -> Q:
    """Sessions still usable: open, before their absolute end and used within their idle limit."""
    used_within = Q()
    for kind in SessionKind.values:
        used_within |= Q(kind=kind, last_seen_at__gt=now - _idle_limit(kind))
    return Q(ended_at__isnull=True, expires_at__gt=now) & used_within


def _end_reason(record: SessionRecord, now: dt.datetime) -> str:
    """Why a session can no longer be used ("" while it can); an ended session keeps its reason."""
    if record.ended_at is not None:
        return record.end_reason or "ended"
    if now >= record.expires_at:
        return "expired"
    if now - record.last_seen_at >= _idle_limit(record.kind):
        return "idle"
    if not record.account.is_active or record.account.frozen_at is not None:
        return "account_closed"
    return ""


def _touch(record: SessionRecord, now: dt.datetime) -> None:
    """Record use at most once a minute; the conditional UPDATE keeps parallel requests to one write."""
    if now - record.last_seen_at < LAST_SEEN_EVERY:
        return
    SessionRecord.objects.filter(pk=record.pk, last_seen_at__lte=now - LAST_SEEN_EVERY).update(last_seen_at=now)
    record.last_seen_at = now


def _session_close(session_id: uuid.UUID, *, account_id, reason: str, actor_id: str = "") -> bool:
    """End one open session of an account; conditional, so a session ends (and is audited) once."""
    with transaction.atomic():
        closed = SessionRecord.objects.filter(pk=session_id, account_id=account_id, ended_at__isnull=True).update(
            ended_at=clock.now(), end_reason=reason
        )
        if closed:
            audit_record(event="session.ended", actor_id=actor_id, subject_id=str(session_id), data={"reason": reason})
    return bool(closed)


def _as_uuid(value: object) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- browser sessions ----------------------------------------------------------------------------
def browser_session_start(*, request, account: Account) -> SessionRecord:
    """Sign the browser in (a new session id, LOGIN-5) and register the session.

    Called by registration and sign-in once the member is proven. The registry id goes into the
    session, so the middleware can end this browser's access when the entry ends.
    """
    previous = _as_uuid(request.session.get(BROWSER_SESSION_KEY))
    if previous is not None:  # signing in again in a signed-in browser: its entry is replaced, not doubled
        earlier = SessionRecord.objects.filter(pk=previous, kind=SessionKind.BROWSER).values_list(
            "account_id", flat=True
        )
        for account_id in earlier:
            _session_close(previous, account_id=account_id, reason="signed_in_again")
    login(request, account, backend="memberarea.identity.backends.DocumentBackend")
    request.session.save()
    now = clock.now()
    with transaction.atomic():
        record = SessionRecord.objects.create(
            id=uuid.uuid4(),
            account=account,
            kind=SessionKind.BROWSER,
            device=user_agent_of(request),
            network=network_of(request),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE),
        )
        audit_record(
            event="session.started", actor_id=str(account.pk), subject_id=str(record.pk), data={"kind": "browser"}
        )
    request.session[BROWSER_SESSION_KEY] = str(record.pk)
    return record


def browser_session_renew(*, request, account: Account) -> None:
    """Keep this browser signed in after its password changed, under a new session id.

    Django signs a session out when the password it was opened with changes; this session proved
    the change, so it carries the new password's hash instead. Its registry entry (kept open by the
    change) is found through the id the session holds, so it follows the new key by itself.
    """
    update_session_auth_hash(request, account)
    request.session.save()


_SESSION_RECORD = PreparedRead(lambda pk: SessionRecord.objects.filter(pk=pk), SessionRecord._meta.pk)


def browser_session_check(*, request) -> SessionRecord | None:
    """The signed-in browser's registry entry, touched, while it is live; otherwise None.

    An entry ended elsewhere, idle for SESSION_IDLE_SECONDS, past its absolute end, or missing
    (a session made before the registry) signs the browser out here, so the page being asked for
    already behaves as signed out. Called by the middleware for signed-in browsers only.
    """
    record_id = _as_uuid(request.session.get(BROWSER_SESSION_KEY))
    # The account is the one the middleware before this one just read (request.user): no join for it.
    record = row_or_none(_SESSION_RECORD.rows(record_id)) if record_id else None
    if record is not None and (record.account_id != request.user.pk or record.kind != SessionKind.BROWSER):
        record = None  # another account's or an app's entry: as if missing
    if record is not None:
        record.account = request.user
        now = clock.now()
        reason = _end_reason(record, now)
        if not reason:
            _touch(record, now)
            return record
        _session_close(record.pk, account_id=record.account_id, reason=reason)
    logout(request)
    return None


def browser_session_end(*, request) -> None:
    """Sign the browser out: its registry entry ends and Django's session is flushed."""
    record_id = _as_uuid(request.session.get(BROWSER_SESSION_KEY))
    if record_id is not None and request.user.is_authenticated:
        _session_close(record_id, account_id=request.user.pk, reason="signed_out", actor_id=str(request.user.pk))
    logout(request)


# --- app sessions --------------------------------------------------------------------------------
def _token_pair(now: dt.datetime) -> tuple[str, str, dt.datetime]:
    return (
        secrets.token_urlsafe(32),
        secrets.token_urlsafe(32),
        now + dt.timedelta(seconds=settings.APP_ACCESS_TOKEN_SECONDS),
    )


def app_session_start(*, account: Account, request) -> AppTokens:
    """A new app session with its first token pair (LOGIN-5). Called by registration and sign-in.

    Inside a caller's transaction it takes no savepoint of its own (PERF-2): a failure here rolls
    the whole sign-in back.
    """
    now = clock.now()
    access, refresh, access_expires = _token_pair(now)
    with transaction.atomic(savepoint=False):
        record = SessionRecord.objects.create(
            id=uuid.uuid4(),
            account=account,
            kind=SessionKind.APP,
            access_token_hash=token_digest(access),
            access_expires_at=access_expires,
            refresh_token_hash=token_digest(refresh),
            device=user_agent_of(request),
            network=network_of(request),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(days=settings.APP_SESSION_ABSOLUTE_DAYS),
        )
        audit_record(event="session.started", actor_id=str(account.pk), subject_id=str(record.pk), data={"kind": "app"})
    return AppTokens(session=record, access_token=access, refresh_token=refresh, expires_at=access_expires)


_SESSION_BY_ACCESS_TOKEN = PreparedRead(
    lambda digest: SessionRecord.objects.filter(access_token_hash=digest),
    SessionRecord._meta.get_field("access_token_hash"),
)


def app_session_for_access_token(token: str) -> SessionRecord | None:
    """The live app session an access token belongs to, touched; None when unknown, expired, idle or
    ended, or when its account may no longer be used. Prepared reads of the entry and its account
    (decision 0048): every app request asks this first."""
    if not token:
        return None
    now = clock.now()
    record = row_or_none(_SESSION_BY_ACCESS_TOKEN.rows(token_digest(token)))
    if (
        record is None
        or record.kind != SessionKind.APP
        or not record.access_expires_at
        or record.access_expires_at <= now
    ):
        return None
    account = account_signed_in(record.account_id)
    if account is None:
        return None
    record.account = account
    if _end_reason(record, now):
        return None
    _touch(record, now)
    return record


def _refuse_if_retired(digest: str) -> None:
    """A retired refresh token presented again was copied (or replayed): its session ends."""
    retired = RetiredRefreshToken.objects.select_related("session").filter(token_hash=digest).first()
    if retired is None:
        return
    _session_close(retired.session_id, account_id=retired.session.account_id, reason="token_reused")
    raise MemberAreaError(TOKEN_REUSED)


def app_session_refresh(*, refresh_token: str) -> AppTokens:
    """Exchange a refresh token for a new pair; the old one is retired (LOGIN-5).

    The swap is one conditional UPDATE on the current refresh hash, so of any number of parallel
    exchanges of one token exactly one wins; every other one finds the token retired and ends the
    session (`token_reused`), since a retry cannot be told from a replay. An unknown token, or an
    idle, expired or ended session, is `unauthenticated`.
    """
    digest = token_digest(refresh_token or "")
    now = clock.now()
    record = (
        SessionRecord.objects.select_related("account").filter(refresh_token_hash=digest, kind=SessionKind.APP).first()
    )
    if record is None:
        _refuse_if_retired(digest)
        raise MemberAreaError(UNAUTHENTICATED)
    reason = _end_reason(record, now)
    if reason:
        _session_close(record.pk, account_id=record.account_id, reason=reason)
        raise MemberAreaError(UNAUTHENTICATED)
    access, refresh, access_expires = _token_pair(now)
    with transaction.atomic():
        rotated = SessionRecord.objects.filter(pk=record.pk, refresh_token_hash=digest, ended_at__isnull=True).update(
            access_token_hash=token_digest(access),
            access_expires_at=access_expires,
            refresh_token_hash=token_digest(refresh),
            last_seen_at=now,
        )
        if rotated:
            RetiredRefreshToken.objects.create(token_hash=digest, session_id=record.pk, retired_at=now)
    if not rotated:
        _refuse_if_retired(digest)  # a parallel exchange won
        raise MemberAreaError(UNAUTHENTICATED)  # the session ended meanwhile
    record.refresh_from_db()
    return AppTokens(session=record, access_token=access, refresh_token=refresh, expires_at=access_expires)


def app_session_end(*, session: SessionRecord, reason: str) -> bool:
    """End an app session (the app's logout); its tokens stop working at once. False if already ended."""
    return _session_close(session.pk, account_id=session.account_id, reason=reason, actor_id=str(session.account_id))


# --- the registry --------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegistryEntry:
    """One line of "your sessions and devices": a browser or app session, or a trusted device."""

    id: uuid.UUID
    kind: str  # SessionKind.BROWSER, SessionKind.APP or TRUSTED_DEVICE
    device: str  # a label in the active language, e.g. "Firefox on Windows"
    browser: str  # "Firefox", the brand's app, or "" when unknown
    system: str  # "Windows", "Android" … or "" when unknown
    network: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    current: bool  # the asking browser or app: "this device"
    # The asking browser's own trusted device is shown on its session's line, not as a second one.
    trusted_device_id: uuid.UUID | None = None
    trusted_until: dt.datetime | None = None


def _entry(row: SessionRecord | TrustedDevice, *, kind: str, last_seen_at: dt.datetime, current: bool) -> RegistryEntry:
    """A line of the list from a session or a trusted device (whose trust it then shows)."""
    agent_kind = SessionKind.APP if kind == SessionKind.APP else SessionKind.BROWSER
    browser, system = device_parts(row.device, agent_kind)
    trusted = isinstance(row, TrustedDevice)
    return RegistryEntry(
        id=row.pk,
        kind=kind,
        device=device_label(row.device, agent_kind),
        browser=browser,
        system=system,
        network=row.network,
        created_at=row.created_at,
        last_seen_at=last_seen_at,
        expires_at=row.expires_at,
        current=current,
        trusted_device_id=row.pk if trusted else None,
        trusted_until=row.expires_at if trusted else None,
    )


def sessions_for(
    account: Account, *, current_session_id: object = None, current_device_id: object = None
) -> list[RegistryEntry]:
    """The account's live sessions and trusted devices, this one first, then the most recently used,
    in two queries.

    `current_session_id`/`current_device_id` name the asking browser's or app's own entries. A
    browser is one line: when the asking session is live, its own trusted device is folded into it
    (`trusted_device_id`, `trusted_until`) instead of being listed as a second entry.
    """
    now = clock.now()
    current_session, current_device = _as_uuid(current_session_id), _as_uuid(current_device_id)
    entries = [
        _entry(record, kind=record.kind, last_seen_at=record.last_seen_at, current=record.pk == current_session)
        for record in SessionRecord.objects.filter(_live(now), account=account)
    ]
    devices = []
    for device in TrustedDevice.objects.filter(account=account, revoked_at__isnull=True, expires_at__gt=now):
        line = _entry(
            device, kind=TRUSTED_DEVICE, last_seen_at=device.last_used_at, current=device.pk == current_device
        )
        this_one = next((entry for entry in entries if entry.current), None) if line.current else None
        if this_one is None:
            devices.append(line)
            continue
        folded = replace(this_one, trusted_device_id=line.trusted_device_id, trusted_until=line.trusted_until)
        entries = [folded if entry is this_one else entry for entry in entries]
    return sorted(entries + devices, key=lambda entry: (entry.current, entry.last_seen_at), reverse=True)


def trusted_device_revoke(*, account: Account, device_id: uuid.UUID, actor: Account | None = None) -> None:
    """Forget one trusted device of the account: its next sign-in asks for a code again (LOGIN-6).

    Another account's device, or one already revoked or expired, is NOT_FOUND.
    """
    now = clock.now()
    with transaction.atomic():
        revoked = TrustedDevice.objects.filter(
            pk=device_id, account=account, revoked_at__isnull=True, expires_at__gt=now
        ).update(revoked_at=now)
        if not revoked:
            raise MemberAreaError(NOT_FOUND)
        audit_record(event="device.revoked", actor_id=str((actor or account).pk), subject_id=str(device_id))


def session_end(*, account: Account, session_id: uuid.UUID, actor: Account) -> Literal["session", "trusted_device"]:
    """End one entry of the account's registry, a session or a trusted device, and say which.

    Only the account's own entries: any other id, another member's included, is NOT_FOUND and
    ends nothing. A browser whose session ends is signed out on its next request.
    """
    reason = "ended_by_member" if actor.pk == account.pk else "ended_by_staff"
    if _session_close(session_id, account_id=account.pk, reason=reason, actor_id=str(actor.pk)):
        return "session"
    trusted_device_revoke(account=account, device_id=session_id, actor=actor)
    return TRUSTED_DEVICE


def _end_all(
    *, account: Account, reason: str, keep: SessionRecord | None, keep_device: TrustedDevice | None, event: str
) -> tuple[int, int]:
    now = clock.now()
    with transaction.atomic():
        sessions = SessionRecord.objects.filter(_live(now), account=account)
        if keep is not None:
            sessions = sessions.exclude(pk=keep.pk)
        ended = sessions.update(ended_at=now, end_reason=reason)
        devices = TrustedDevice.objects.filter(account=account, revoked_at__isnull=True, expires_at__gt=now)
        if keep_device is not None:
            devices = devices.exclude(pk=keep_device.pk)
        revoked = devices.update(revoked_at=now)
        audit_record(
            event=event,
            actor_id=str(account.pk),
            subject_id=str(account.pk),
            data={"count": ended, "devices": revoked, "reason": reason},
        )
    return ended, revoked


def sessions_end_others(
    *, account: Account, keep: SessionRecord | None, keep_device: TrustedDevice | None = None
) -> int:
    """The member's "end all other sessions": every session but `keep`, every trusted device but `keep_device`.

    Trusted devices go too, so that whoever held one must pass the second step again. Returns how
    many entries of the list ended.
    """
    ended, revoked = _end_all(
        account=account, reason="ended_by_member", keep=keep, keep_device=keep_device, event="session.ended_others"
    )
    return ended + revoked


def account_sessions_end(*, account: Account, reason: str, keep: SessionRecord | None = None) -> int:
    """End every session and trusted device of an account but `keep` (LOGIN-5: password change,
    recovery, username change, "this was not me"). Browsers are signed out on their next request."""
    ended, _revoked = _end_all(account=account, reason=reason, keep=keep, keep_device=None, event="session.ended_all")
    return ended
