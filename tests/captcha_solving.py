"""Solving the proof-of-work captcha in Python, as the widget and the app do (docs/decisions/0011-captcha.md)."""

import base64
import json

from altcha import solve_challenge_v1

from memberarea.core.captcha import captcha_challenge


def captcha_solve(challenge: dict) -> int:
    """Try numbers until SHA-256(salt + n) is the challenge."""
    solution = solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"]
    )
    assert solution is not None
    return solution.number


def captcha_encode(answer: object) -> str:
    return base64.b64encode(json.dumps(answer).encode()).decode()


def captcha_answer(challenge: dict | None = None, /, **changes) -> str:
    """The payload the widget posts as `altcha` (the app as `captcha`) for `challenge` (a fresh one when
    omitted), with any field changed."""
    if challenge is None:
        challenge = captcha_challenge()
    fields = {key: challenge[key] for key in ("algorithm", "challenge", "salt", "signature")}
    return captcha_encode({**fields, "number": captcha_solve(challenge), **changes})
