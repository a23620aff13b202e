"""A self-hosted proof-of-work captcha (ALTCHA, protocol v1) for the steps REG-1 and LOGIN-4 guard.

The server signs a challenge: SHA-256(salt + n) for a secret random n between 0 and maxnumber,
with its expiry inside the signed salt (`…?expires=<unix time>&`). The browser widget or the app
finds n by trying numbers and sends back base64(JSON{algorithm, challenge, number, salt,
signature}). Checking an answer costs the server one hash and one HMAC; finding it costs the
client maxnumber / 2 hashes on average. It raises the price of each try beside the rate limits;
it does not tell people from bots.

An accepted answer is recorded until its challenge expires, so it works once: Redis `SET NX` when
the rate limits use Redis, otherwise a row under a unique constraint (docs/decisions/0011-captcha.md).
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qs

from altcha import ChallengeOptionsV1, create_challenge_v1, hash_hex, hmac_hex
from django.conf import settings
from django.db import IntegrityError, transaction

from memberarea.core.errors import CAPTCHA_INVALID, CAPTCHA_REQUIRED

from . import clock
from .errors import MemberAreaError
from .models import UsedCaptcha
from .redis_connection import redis_client

ALGORITHM: Final = "SHA-256"
# A real answer is about 350 characters; refusing far longer ones early bounds the decoding work.
MAX_PAYLOAD_CHARS = 1000
HMAC_KEY_PURPOSE = b"memberarea.core.captcha.hmac-key"


@dataclass(frozen=True)
class Answer:
    challenge: str
    number: int
    salt: str
    signature: str


def _hmac_key() -> str:
    """CAPTCHA_HMAC_KEY, or a key of its own derived from SECRET_KEY (never SECRET_KEY itself)."""
    if settings.CAPTCHA_HMAC_KEY:
        return settings.CAPTCHA_HMAC_KEY
    return hmac.new(settings.SECRET_KEY.encode(), HMAC_KEY_PURPOSE, hashlib.sha256).hexdigest()


def captcha_challenge() -> dict:
    """A fresh signed challenge in the widget's format; it expires CAPTCHA_EXPIRY_SECONDS from now."""
    options = ChallengeOptionsV1(
        algorithm=ALGORITHM,
        max_number=settings.CAPTCHA_MAX_NUMBER,
        hmac_key=_hmac_key(),
        expires=clock.now() + dt.timedelta(seconds=settings.CAPTCHA_EXPIRY_SECONDS),
    )
    challenge = create_challenge_v1(options)
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


def _answer_parse(payload: str) -> Answer:
    """Decode an answer strictly: whatever a client sends is either an Answer or CAPTCHA_INVALID."""
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise MemberAreaError(CAPTCHA_INVALID)
    try:
        # binascii.Error, UnicodeDecodeError and JSONDecodeError are all ValueErrors.
        data = json.loads(base64.b64decode(payload, validate=True))
    except ValueError as exc:
        raise MemberAreaError(CAPTCHA_INVALID) from exc
    if not isinstance(data, dict) or data.get("algorithm") != ALGORITHM:
        raise MemberAreaError(CAPTCHA_INVALID)
    texts = [data.get(name) for name in ("challenge", "salt", "signature")]
    number = data.get("number")
    # ASCII only: the values are hashed as bytes and compared with hmac.compare_digest.
    if not all(isinstance(text, str) and text.isascii() for text in texts):
        raise MemberAreaError(CAPTCHA_INVALID)
    if not isinstance(number, int) or isinstance(number, bool):
        raise MemberAreaError(CAPTCHA_INVALID)
    return Answer(challenge=data["challenge"], number=number, salt=data["salt"], signature=data["signature"])


def _proof_holds(answer: Answer) -> bool:
    """The number solves the challenge and the challenge is ours, compared in constant time.

    The library's verify_solution compares with `==` and reads the system clock; its hash and
    HMAC helpers are used here instead, with our clock for the expiry.
    """
    solved = hash_hex(ALGORITHM, f"{answer.salt}{answer.number}".encode())
    signed = hmac_hex(ALGORITHM, solved.encode(), _hmac_key())
    return hmac.compare_digest(solved.encode(), answer.challenge.encode()) and hmac.compare_digest(
        signed.encode(), answer.signature.encode()
    )


def _expiry(salt: str) -> dt.datetime:
    """The expiry carried in the (signed) salt; a salt without exactly one is not ours."""
    values = parse_qs(salt.partition("?")[2]).get("expires", [])
    if len(values) != 1 or not (values[0].isascii() and values[0].isdigit()):
        raise MemberAreaError(CAPTCHA_INVALID)
    try:
        return dt.datetime.fromtimestamp(int(values[0]), dt.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise MemberAreaError(CAPTCHA_INVALID) from exc


def _first_use(challenge: str, expires_at: dt.datetime) -> bool:
    """Record the challenge as used; True for exactly one caller, however many race."""
    if settings.RATE_LIMIT_BACKEND == "redis":
        ttl = max(1, math.ceil((expires_at - clock.now()).total_seconds()))
        key = f"{settings.RATE_LIMIT_KEY_PREFIX}captcha:used:{challenge}"
        return bool(redis_client().set(key, 1, nx=True, ex=ttl))
    try:
        with transaction.atomic():
            UsedCaptcha.objects.create(challenge_hash=challenge, expires_at=expires_at)
    except IntegrityError:
        return False
    return True


def captcha_verify(payload: str | None) -> None:
    """Accept a solved challenge once; raise CAPTCHA_REQUIRED or CAPTCHA_INVALID otherwise.

    With the database backend the used mark is written in the caller's transaction, so call this
    before, not inside, a transaction that may roll back: a rolled-back mark would allow a replay.
    """
    if not payload:
        raise MemberAreaError(CAPTCHA_REQUIRED)
    answer = _answer_parse(payload)
    if not _proof_holds(answer):
        raise MemberAreaError(CAPTCHA_INVALID)
    expires_at = _expiry(answer.salt)
    if expires_at <= clock.now() or not _first_use(answer.challenge, expires_at):
        raise MemberAreaError(CAPTCHA_INVALID)


def used_captchas_prune() -> str:
    """Delete the used marks of expired challenges: an expired answer is refused anyway (periodic job)."""
    deleted = UsedCaptcha.objects.filter(expires_at__lt=clock.now()).delete()[0]
    return f"{deleted} expired captcha answers deleted"
