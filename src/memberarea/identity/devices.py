"""Devices (LOGIN-6): trusted devices skip the second step; known devices reveal a new one.

A **trusted device** is "don't ask for a code on this device for 30 days": the browser keeps a
signed cookie holding a random token, and only the token's SHA-256 is stored, on a row of the
account that the member can revoke from the sessions page (and that `account_sessions_end`
revokes). The cookie proves nothing by itself: the row must be unrevoked, unexpired and belong to
the account signing in.

A **known device** is anywhere the account has signed in before. Every browser gets a long-lived
random id cookie (the app sends an `X-Device-Id` header instead), stored per account as a keyed
hash; a sign-in from a device new to an account that has signed in before emails the member.

Both are **recognised** at the password step: the sign-in lock-out that failures from new devices
set does not apply to a device the owner has used (decision 0031).
"""

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.crypto import blind_index
from memberarea.core.links import public_url_of
from memberarea.enrollment.models import Membership
from memberarea.notifications.models import Channel
from memberarea.notifications.services import message_enqueue

from .contacts import contact_usable
from .freeze import not_me_url
from .models import Account, KnownDevice, SessionKind, SessionRecord, TrustedDevice
from .sessions import (
    BROWSER_SESSION_KEY,
    LAST_SEEN_EVERY,
    device_label,
    network_of,
    token_digest,
    user_agent_of,
)

TRUSTED_DEVICE_SALT = "memberarea.identity.trusted-device"
KNOWN_DEVICE_COOKIE_DAYS = 400  # the longest lifetime browsers grant a cookie (RFC 6265bis)
DEVICE_ID_HEADER = "X-Device-Id"
KNOWN_DEVICE_PURPOSE = "known-device"
# What the app may send as its installation id; anything else counts as no id.
DEVICE_ID_FORMAT = re.compile(r"[A-Za-z0-9_-]{16,128}")


def _cookie_options(days: int) -> dict:
    """Device cookies follow the session cookie's Secure flag; JavaScript never reads them."""
    return {
        "max_age": days * 24 * 60 * 60,
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": True,
        "samesite": "Lax",
    }


# --- trusted devices -----------------------------------------------------------------------------
def _trusted_token(request) -> str:
    return request.get_signed_cookie(
        settings.TRUSTED_DEVICE_COOKIE,
        default="",
        salt=TRUSTED_DEVICE_SALT,
        max_age=settings.TRUSTED_DEVICE_DAYS * 24 * 60 * 60,
    )


def _trusted_live(token_hash: str):
    return TrustedDevice.objects.filter(token_hash=token_hash, revoked_at__isnull=True, expires_at__gt=clock.now())


def trusted_device_current(request, account: Account) -> TrustedDevice | None:
    """The live trusted device this browser's cookie names for `account`, if any. Reads only."""
    token = _trusted_token(request)
    if not token:
        return None
    return _trusted_live(token_digest(token)).filter(account=account).first()


def trusted_device_valid(request, account: Account) -> bool:
    """Whether this browser may skip the second step for `account` (LOGIN-6); counts as a use.

    Called by the sign-in flow once the password is right. True only for a cookie naming an
    unrevoked, unexpired trusted device of this very account; `last_used_at` is written at most
    once a minute.
    """
    device = trusted_device_current(request, account)
    if device is None:
        return False
    now = clock.now()
    TrustedDevice.objects.filter(pk=device.pk, last_used_at__lte=now - LAST_SEEN_EVERY).update(last_used_at=now)
    return True


def trusted_device_remember(*, request, response, account: Account) -> TrustedDevice:
    """Trust this browser for TRUSTED_DEVICE_DAYS: a new row, and its signed cookie on `response`.

    Called by the sign-in flow after a second step completed with "don't ask again on this
    device". A trust the browser already held for the account is replaced, so the list shows one
    entry per browser.
    """
    now = clock.now()
    token = secrets.token_urlsafe(32)
    previous = trusted_device_current(request, account)
    with transaction.atomic():
        if previous is not None:
            TrustedDevice.objects.filter(pk=previous.pk).update(revoked_at=now)
        device = TrustedDevice.objects.create(
            account=account,
            token_hash=token_digest(token),
            device=user_agent_of(request),
            network=network_of(request),
            created_at=now,
            last_used_at=now,
            expires_at=now + dt.timedelta(days=settings.TRUSTED_DEVICE_DAYS),
        )
        audit_record(event="device.trusted", actor_id=str(account.pk), subject_id=str(device.pk))
    response.set_signed_cookie(
        settings.TRUSTED_DEVICE_COOKIE, token, salt=TRUSTED_DEVICE_SALT, **_cookie_options(settings.TRUSTED_DEVICE_DAYS)
    )
    return device


# --- recognised at the password step (decision 0031) ----------------------------------------------
@dataclass(frozen=True)
class DevicePresented:
    """What a request shows of its device before anyone is signed in: the keyed hash of its
    known-device id and the digest of its trusted-device token, each "" when absent."""

    known_hash: str = ""
    trusted_hash: str = ""


NO_DEVICE = DevicePresented()


def device_presented(request, *, app: bool) -> DevicePresented:
    """Read the device's proofs: the browser's cookies, or the app's X-Device-Id header. Reads only."""
    presented = (
        request.headers.get(DEVICE_ID_HEADER, "") if app else request.COOKIES.get(settings.KNOWN_DEVICE_COOKIE, "")
    )
    token = "" if app else _trusted_token(request)
    return DevicePresented(
        known_hash=blind_index(KNOWN_DEVICE_PURPOSE, presented) if DEVICE_ID_FORMAT.fullmatch(presented) else "",
        trusted_hash=token_digest(token) if token else "",
    )


def device_recognised(device: DevicePresented, username_hash: str) -> str:
    """A key for the device when the account of `username_hash` has signed in on it before or trusts
    it, else "". The same queries whether or not the username exists (REL-5)."""
    if (
        device.trusted_hash
        and _trusted_live(device.trusted_hash).filter(account__username_index=username_hash).exists()
    ):
        return device.trusted_hash
    if (
        device.known_hash
        and KnownDevice.objects.filter(account__username_index=username_hash, device_hash=device.known_hash).exists()
    ):
        return device.known_hash
    return ""


def device_keys(account: Account) -> list[str]:
    """The keys `device_recognised` can answer for the account: its known devices and live trusted ones."""
    known = KnownDevice.objects.filter(account=account).values_list("device_hash", flat=True)
    trusted = TrustedDevice.objects.filter(
        account=account, revoked_at__isnull=True, expires_at__gt=clock.now()
    ).values_list("token_hash", flat=True)
    return [*known, *trusted]


# --- known devices -------------------------------------------------------------------------------
def _device_id(request, response) -> tuple[str, bool]:
    """This device's id, and whether it will come back (only then is it worth recording).

    A browser presents its cookie, which is set (or renewed) on `response`; the app presents
    X-Device-Id. A device without a usable id gets a fresh one, so it counts as new.
    """
    presented = (
        request.headers.get(DEVICE_ID_HEADER, "")
        if response is None
        else request.COOKIES.get(settings.KNOWN_DEVICE_COOKIE, "")
    )
    if DEVICE_ID_FORMAT.fullmatch(presented):
        value, lasting = presented, True
    else:
        value, lasting = secrets.token_urlsafe(32), response is not None
    if response is not None:
        response.set_cookie(settings.KNOWN_DEVICE_COOKIE, value, **_cookie_options(KNOWN_DEVICE_COOKIE_DAYS))
    return value, lasting


def _signed_in_before(request, account: Account) -> bool:
    """Whether the account has a known device or a session other than the one this sign-in just started."""
    if KnownDevice.objects.filter(account=account).exists():
        return True
    earlier = SessionRecord.objects.filter(account=account)
    started_now = request.session.get(BROWSER_SESSION_KEY) if hasattr(request, "session") else None
    if started_now:
        earlier = earlier.exclude(pk=started_now)
    return earlier.exists()


def _known_device_add(account: Account, device_hash: str, now: dt.datetime) -> bool:
    """Record the device; False when a parallel sign-in of the same device recorded it first."""
    try:
        with transaction.atomic():
            KnownDevice.objects.create(account=account, device_hash=device_hash, first_seen_at=now, last_seen_at=now)
    except IntegrityError:
        return False
    return True


def _account_email(account: Account) -> tuple[str, str] | None:
    """The account's newest verified email (proven by the member or given by the insurer) and the name to greet."""
    for membership in Membership.objects.filter(person__account=account).order_by("-start_date"):
        if email := contact_usable(membership, "email"):
            return email, membership.first_name
    return None


def _new_device_notify(*, request, account: Account, app: bool, now: dt.datetime) -> None:
    recipient = _account_email(account)
    audit_record(
        event="device.new_sign_in",
        actor_id=str(account.pk),
        subject_id=str(account.pk),
        data={"app": app, "notified": recipient is not None},
    )
    if recipient is None:
        return
    email, first_name = recipient
    with translation.override(account.language):
        label = device_label(user_agent_of(request), SessionKind.APP if app else SessionKind.BROWSER)
    message_enqueue(
        channel=Channel.EMAIL,
        to=email,
        template="new_device",
        language=account.language,
        context={
            "first_name": first_name,
            "device": label,
            "network": network_of(request),
            "signed_in_at": now,
            "time_zone": settings.INSURER_TIME_ZONE,
            "sessions_url": public_url_of("account-sessions"),
            "not_me_url": not_me_url(account),
        },
        subject_id=str(account.pk),
        account=account,
    )


def known_device_check(*, request, response, account: Account) -> bool:
    """Note the device of a completed sign-in; email the member when it is new to them (LOGIN-6).

    `response` is the browser's response, which gets (or renews) the long-lived device cookie;
    None for the app, which names its installation with the X-Device-Id header (16–128 letters,
    digits, "-" or "_"; without one, every app sign-in counts as a new device). Called by the
    sign-in flow at each completed sign-in, before or after the session starts: the session the
    browser has just started does not count as an earlier one. An account's first device ever is
    recorded silently. True when the member is told about a new device.
    """
    value, lasting = _device_id(request, response)
    device_hash = blind_index(KNOWN_DEVICE_PURPOSE, value)
    now = clock.now()
    if KnownDevice.objects.filter(account=account, device_hash=device_hash).update(last_seen_at=now):
        return False
    with transaction.atomic():
        earlier = _signed_in_before(request, account)
        if lasting and not _known_device_add(account, device_hash, now):
            return False
        if earlier:
            _new_device_notify(request=request, account=account, app=response is None, now=now)
    return earlier
