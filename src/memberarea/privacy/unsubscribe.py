"""Unsubscribe links (PRIV-4): every marketing message names one account and one purpose, and whoever
holds the link may withdraw that purpose without signing in.

- Email: a signed token (django.core.signing, its own salt) of the account and the purpose, valid
  `PRIVACY_UNSUBSCRIBE_LINK_DAYS`; no row is stored. The same URL serves the page (GET), its button
  and the RFC 8058 one-click POST of mail clients (`List-Unsubscribe-Post`).
- SMS: a short link `/u/<code>`, a random code stored with the account, purpose and expiry.

Withdrawing goes through `consent_set(method=UNSUBSCRIBE)`, so a second use writes nothing.
"""

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from memberarea.core import clock
from memberarea.core.links import public_url_of
from memberarea.identity.models import Account

from .consent import consent_set
from .models import ConsentMethod, ConsentPurpose, UnsubscribeShortLink
from .selectors import choices_current

_SALT = "memberarea.privacy.unsubscribe"
SHORT_CODE_BYTES = 8  # 11 URL-safe characters: 64 random bits


@dataclass(frozen=True)
class Unsubscription:
    """What a valid link stands for."""

    account: Account
    purpose: ConsentPurpose


def _lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.PRIVACY_UNSUBSCRIBE_LINK_DAYS)


class _ClockSigner(signing.TimestampSigner):
    """Django's timestamped signer, on the injected clock: a link's age follows `clock.now()`."""

    def timestamp(self) -> str:
        return signing.b62_encode(int(clock.now().timestamp()))

    def unsign(self, value: str, max_age: int | dt.timedelta | None = None) -> str:
        payload, stamp = signing.Signer.unsign(self, value).rsplit(self.sep, 1)
        if max_age is not None:
            seconds = max_age.total_seconds() if isinstance(max_age, dt.timedelta) else max_age
            if clock.now().timestamp() - signing.b62_decode(stamp) > seconds:
                raise signing.SignatureExpired("unsubscribe link expired")
        return payload


_SIGNER = _ClockSigner(salt=_SALT)


def unsubscribe_url(*, account: Account, purpose: ConsentPurpose) -> str:
    """The signed, expiring link of an email (and of its List-Unsubscribe header)."""
    token = _SIGNER.sign_object({"a": str(account.pk), "p": str(purpose)}, compress=True)
    return public_url_of("privacy-unsubscribe", token)


def unsubscribe_short_url(*, account: Account, purpose: ConsentPurpose) -> str:
    """A new short link for an SMS; the caller's transaction writes its row with the message."""
    now = clock.now()
    link = UnsubscribeShortLink.objects.create(
        code=secrets.token_urlsafe(SHORT_CODE_BYTES), account=account, purpose=purpose, created_at=now,
        expires_at=now + _lifetime(),
    )  # fmt: skip
    return public_url_of("unsubscribe-short", link.code)


def unsubscribe_link_read(token: str) -> Unsubscription | None:
    """The unsubscription a signed token stands for; None when tampered with, expired or unknown."""
    try:
        payload = _SIGNER.unsign_object(token, max_age=_lifetime())
        account_id, purpose = uuid.UUID(payload["a"]), ConsentPurpose(payload["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    account = Account.objects.filter(pk=account_id).first()
    return Unsubscription(account, purpose) if account is not None else None


def unsubscribe_short_read(code: str) -> Unsubscription | None:
    link = UnsubscribeShortLink.objects.select_related("account").filter(code=code, expires_at__gt=clock.now()).first()
    return Unsubscription(link.account, ConsentPurpose(link.purpose)) if link is not None else None


def unsubscribe_given(unsubscription: Unsubscription) -> bool:
    """Whether the purpose is still given: the page says "already unsubscribed" otherwise."""
    choice = choices_current(account=unsubscription.account)[unsubscription.purpose]
    return choice is not None and choice.given


def unsubscribe_confirm(*, unsubscription: Unsubscription, language: str) -> bool:
    """Withdraw the purpose; True when this withdrew it, False when it already was (nothing written)."""
    written = consent_set(
        account=unsubscription.account,
        changes={unsubscription.purpose: False},
        method=ConsentMethod.UNSUBSCRIBE,
        language=language,
    )
    return bool(written)
