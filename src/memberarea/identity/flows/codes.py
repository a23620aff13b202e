"""One-time codes sent by email or SMS to prove a destination (REG-4) or a second step (LOGIN-3).

A flow has at most one live code per channel; a resend replaces it. The code is stored only as a
keyed hash bound to its row. Every try is counted with a conditional UPDATE before the comparison,
and a right code is spent with another, so neither parallel guesses nor parallel uses of one code
can get past the limits: exactly one use succeeds.
"""

import datetime as dt
import hmac
import math
import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.crypto import blind_index
from memberarea.core.errors import RATE_LIMITED, MemberAreaError
from memberarea.core.rows import row_or_none
from memberarea.identity.errors import CODE_EXPIRED, INVALID_CODE, TOO_MANY_ATTEMPTS
from memberarea.notifications.models import Channel
from memberarea.notifications.services import message_enqueue

from ..models import CodeChannel, VerificationCode

CODE_LENGTH = 6


def _code_hash(code_id: uuid.UUID, code: str) -> str:
    return blind_index("verification-code", f"{code_id}:{code}")


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def code_send(
    *,
    flow_id: uuid.UUID,
    channel: CodeChannel,
    destination: str,
    template: str,
    language: str,
    context: dict,
    account=None,
    membership=None,
) -> VerificationCode:
    """Send a fresh code to `destination` and make it the flow's one live code on that channel.

    Runs in the caller's transaction. A first send creates the row; later sends (resends) honour
    the cooldown and the send limit and start the tries afresh for the new code. `account` and
    `membership` say whom the code is for, so staff see its delivery (BO-3).
    """
    now = clock.now()
    expires_at = now + dt.timedelta(seconds=settings.CODE_LIFETIME_SECONDS)
    code = _new_code()
    with transaction.atomic():
        existing = row_or_none(VerificationCode.objects.select_for_update().filter(flow_id=flow_id, channel=channel))
        if existing is None:
            row = VerificationCode(id=uuid.uuid4(), flow_id=flow_id, channel=channel, sends=1)
        else:
            _check_resend_allowed(existing, now)
            row = existing
            row.sends = existing.sends + 1
        row.destination = destination
        row.code_hash = _code_hash(row.id, code)
        row.attempts = 0
        row.sent_at = now
        row.expires_at = expires_at
        row.used_at = None
        row.save()
        message_enqueue(
            channel=Channel(channel),
            to=destination,
            template=template,
            language=language,
            context={**context, "code": code, "minutes": settings.CODE_LIFETIME_SECONDS // 60},
            subject_id=str(flow_id),
            account=account,
            membership=membership,
            expires_at=expires_at,
            contains_secret=True,
        )
    return row


def _check_resend_allowed(existing: VerificationCode, now: dt.datetime) -> None:
    if existing.sends >= settings.CODE_MAX_SENDS:
        raise MemberAreaError(TOO_MANY_ATTEMPTS)
    wait = existing.sent_at + dt.timedelta(seconds=settings.CODE_RESEND_COOLDOWN_SECONDS) - now
    if wait > dt.timedelta(0):
        seconds = math.ceil(wait.total_seconds())  # 60.0 left says 60, 59.2 left says 60
        raise MemberAreaError(
            RATE_LIMITED,
            detail=_("Please wait %(seconds)s seconds before asking for another code.") % {"seconds": seconds},
        )


def resend_after(row: VerificationCode) -> dt.datetime:
    return row.sent_at + dt.timedelta(seconds=settings.CODE_RESEND_COOLDOWN_SECONDS)


def code_use(*, flow_id: uuid.UUID, channel: CodeChannel, code: str) -> VerificationCode:
    """Spend the flow's live code on `channel` if `code` is it; otherwise say why not.

    The try is reserved first (attempts < limit, atomically), then compared in constant time, then
    spent with `used_at IS NULL` in the WHERE clause: one success, whatever the concurrency.
    """
    code = (code or "").strip()
    row = row_or_none(VerificationCode.objects.filter(flow_id=flow_id, channel=channel))
    if row is None or row.used_at is not None:
        raise MemberAreaError(INVALID_CODE)
    now = clock.now()
    if row.expires_at <= now:
        raise MemberAreaError(CODE_EXPIRED)
    reserved = VerificationCode.objects.filter(
        pk=row.pk, used_at__isnull=True, attempts__lt=settings.CODE_MAX_ATTEMPTS, code_hash=row.code_hash
    ).update(attempts=F("attempts") + 1)
    if not reserved:  # spent, replaced by a resend, or out of tries since we read it
        attempts = VerificationCode.objects.filter(pk=row.pk).values_list("attempts", flat=True).first() or 0
        raise MemberAreaError(TOO_MANY_ATTEMPTS if attempts >= settings.CODE_MAX_ATTEMPTS else INVALID_CODE)
    if not (len(code) == CODE_LENGTH and code.isascii() and code.isdigit()):
        raise MemberAreaError(INVALID_CODE)
    if not hmac.compare_digest(_code_hash(row.pk, code), row.code_hash):
        raise MemberAreaError(INVALID_CODE)
    spent = VerificationCode.objects.filter(pk=row.pk, used_at__isnull=True, code_hash=row.code_hash).update(
        used_at=now
    )
    if not spent:
        raise MemberAreaError(INVALID_CODE)
    row.used_at = now
    return row


def codes_used(flow_id: uuid.UUID) -> set[str]:
    """The channels whose code this flow has spent."""
    return set(
        VerificationCode.objects.filter(flow_id=flow_id, used_at__isnull=False).values_list("channel", flat=True)
    )
