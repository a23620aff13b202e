"""GET /api/v1/captcha: a fresh proof-of-work challenge for the web widget and the mobile app.

The answer goes back in the `captcha` field of the step that asked for it (REG-1, LOGIN-4); the
web forms send the same answer in their `altcha` field.
"""

from typing import Literal

from ninja import Field, Router, Schema

from memberarea.core.captcha import captcha_challenge

from .declared import raises

router = Router(tags=["captcha"])


class CaptchaChallengeOut(Schema):
    """An ALTCHA proof-of-work challenge (protocol v1), valid once, until the expiry in its salt.

    To solve it, find the whole number n between 0 and `maxnumber` (both included) for which the
    lower-case hex SHA-256 of the UTF-8 text `salt + str(n)` equals `challenge`. Then send
    base64(JSON {"algorithm", "challenge", "number": n, "salt", "signature"}) — the first four
    strings exactly as received — as the `captcha` field of the request that needs it. An answer
    is accepted once; a wrong, expired or reused one gives `captcha_invalid`, a missing one
    `captcha_required`: fetch a new challenge and solve again.
    """

    algorithm: Literal["SHA-256"] = Field(..., description="the hash to use")
    challenge: str = Field(..., description="hex SHA-256 of salt + the secret number")
    maxnumber: int = Field(..., description="the number is at most this (difficulty)")
    salt: str = Field(..., description="random text with the expiry as a Unix time: `<hex>?expires=<seconds>&`")
    signature: str = Field(..., description="the server's HMAC of the challenge; send it back unchanged")


@router.get(
    "",
    response=CaptchaChallengeOut,
    summary="A captcha challenge (proof of work)",
    description="Fetch a challenge before a step that requires a captcha; see the CaptchaChallengeOut schema "
    "for how to solve it. The answer is never cached (`Cache-Control: no-store`).",
)
@raises()
def captcha(request):
    return captcha_challenge()  # never cached: every API answer is no-store (api/middleware.py)
