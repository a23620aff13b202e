"""The session registry (LOGIN-5): every browser and app session of an account, in one table.

App sessions get random tokens, stored as SHA-256 hashes (they carry 256 bits of randomness, so a
plain hash is enough): a 15-minute access token and a refresh token. Browser sessions are Django
sessions, cycled at sign-in, and registered by a hash of their key so "end this session" works
whatever the session store.
"""

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import login, logout
from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.network import address_network, client_address

from .models import Account, SessionKind, SessionRecord

BROWSER_SESSION_KEY = "_memberarea_session_record"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class AppTokens:
    session: SessionRecord
    access_token: str
    refresh_token: str
    expires_at: dt.datetime


def _device(request) -> str:
    return (request.META.get("HTTP_USER_AGENT") or "")[:200]


def app_session_start(*, account: Account, request) -> AppTokens:
    """A new app session with its first token pair (LOGIN-5)."""
    now = clock.now()
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    access_expires = now + dt.timedelta(seconds=settings.APP_ACCESS_TOKEN_SECONDS)
    with transaction.atomic():
        record = SessionRecord.objects.create(
            id=uuid.uuid4(),
            account=account,
            kind=SessionKind.APP,
            access_token_hash=token_digest(access),
            access_expires_at=access_expires,
            refresh_token_hash=token_digest(refresh),
            device=_device(request),
            network=address_network(client_address(request)),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(days=settings.APP_SESSION_ABSOLUTE_DAYS),
        )
        audit_record(event="session.started", actor_id=str(account.pk), subject_id=str(record.pk), data={"kind": "app"})
    return AppTokens(session=record, access_token=access, refresh_token=refresh, expires_at=access_expires)


def browser_session_start(*, request, account: Account) -> SessionRecord:
    """Sign the browser in (a new session id, LOGIN-5) and register the session."""
    login(request, account, backend="memberarea.identity.backends.DocumentBackend")
    request.session.save()
    now = clock.now()
    with transaction.atomic():
        record = SessionRecord.objects.create(
            id=uuid.uuid4(),
            account=account,
            kind=SessionKind.BROWSER,
            session_key_hash=token_digest(request.session.session_key or ""),
            device=_device(request),
            network=address_network(client_address(request)),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE),
        )
        audit_record(
            event="session.started", actor_id=str(account.pk), subject_id=str(record.pk), data={"kind": "browser"}
        )
    request.session[BROWSER_SESSION_KEY] = str(record.pk)
    return record


def app_session_for_access_token(token: str) -> SessionRecord | None:
    """The live app session an access token belongs to, or None (unknown, expired or ended)."""
    if not token:
        return None
    now = clock.now()
    return (
        SessionRecord.objects.select_related("account")
        .filter(
            access_token_hash=token_digest(token),
            kind=SessionKind.APP,
            ended_at__isnull=True,
            access_expires_at__gt=now,
            expires_at__gt=now,
            account__is_active=True,
            account__frozen_at__isnull=True,
        )
        .first()
    )


def browser_session_end(*, request) -> None:
    """Sign the browser out: its registry entry ends and Django's session is flushed."""
    record_id = request.session.get(BROWSER_SESSION_KEY)
    account = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        if record_id:
            SessionRecord.objects.filter(pk=record_id, ended_at__isnull=True).update(
                ended_at=clock.now(), end_reason="signed_out"
            )
        if account is not None:
            audit_record(event="session.ended", actor_id=str(account.pk), subject_id=str(record_id or ""))
    logout(request)


def account_sessions_end(*, account: Account, reason: str, keep: SessionRecord | None = None) -> int:
    """End every session and trusted device of an account but `keep` (LOGIN-5: password change,
    recovery, username change, "this was not me"). Browsers are signed out on their next request."""
    from .models import TrustedDevice

    now = clock.now()
    with transaction.atomic():
        open_sessions = SessionRecord.objects.filter(account=account, ended_at__isnull=True)
        if keep is not None:
            open_sessions = open_sessions.exclude(pk=keep.pk)
        ended = open_sessions.update(ended_at=now, end_reason=reason)
        TrustedDevice.objects.filter(account=account, revoked_at__isnull=True).update(revoked_at=now)
        audit_record(
            event="session.ended_all", actor_id=str(account.pk), subject_id=str(account.pk), data={"count": ended}
        )
    return ended
