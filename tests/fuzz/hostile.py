"""Values generators do not produce on their own (REL-1): what a hand-made request can carry.

Each value is given as it travels — a JSON fragment for API bodies, percent-escaped text for paths
and forms — so that what JSON or UTF-8 cannot say (an unpaired surrogate, a broken byte, a number
too large for a float) reaches the server as an attacker sends it.
"""

import json
from urllib.parse import quote

LONG = 10_000
DEEP = 1_000
DIGITS = 5_000  # more than Python's int-from-text limit (4,300 digits)


def _text(value: str) -> str:
    return json.dumps(value)  # \ud800 stays an escape: JSON can carry it, UTF-8 cannot


# Texts, as JSON string fragments.
TEXTS = {
    "lone high surrogate": _text("\ud800"),
    "lone low surrogate": _text("a\udfffb"),
    "NUL": _text("a\x00b"),
    "10k characters": _text("x" * LONG),
    "right-to-left override": _text("\u202eabc\u202c123"),
    "combining marks": _text("a" + "\u0301\u0308\u0327" * 300),
    "zero-width and BOM": _text("\ufeff\u200b\u200d"),
    "number-like text": _text("1e999"),
}
# Any other value where a field's value goes: numbers JSON allows and floats do not hold, wrong types, depth.
VALUES = {
    **TEXTS,
    "1e999": "1e999",
    "-0": "-0",
    "huge integer": "1" + "0" * DIGITS,
    "huge negative integer": "-1" + "0" * DIGITS,
    "null": "null",
    "boolean": "true",
    "empty list": "[]",
    "empty object": "{}",
    "deep list": "[" * DEEP + "]" * DEEP,
    "deep object": '{"a":' * DEEP + "1" + "}" * DEEP,
}
# Whole bodies: what cannot be a field's value.
BODIES = {
    "invalid UTF-8": b'{"a": "\xff\xfe\xed\xa0\x80"}',
    "deep list": ("[" * DEEP + "]" * DEEP).encode(),
    "deeper list": ("[" * 100 * DEEP + "]" * 100 * DEEP).encode(),
    "deep object": ('{"a":' * DEEP + "1" + "}" * DEEP).encode(),
    "1e999": b"1e999",
    "huge integer": ("1" + "0" * DIGITS).encode(),
    "NUL byte": b'{"a": "\x00"}',
    "BOM then JSON": b"\xef\xbb\xbf{}",
    "truncated": b'{"a": "',
}
# Path segments and form values, percent-escaped as sent.
ESCAPED = {
    "lone surrogate as UTF-8": "%ED%A0%80",
    "invalid UTF-8": "%FF%FE",
    "NUL": "a%00b",
    "10k characters": "x" * LONG,
    "right-to-left override": quote("\u202eabc\u202c123"),
    "combining marks": quote("a" + "\u0301\u0308\u0327" * 300),
    "1e999": "1e999",
    "-0": "-0",
    "huge integer": "1" + "0" * DIGITS,
    "deep brackets": quote("[" * DEEP + "]" * DEEP),
    "dot segments": "..%2F..%2F",
}


def with_duplicate_key(body: dict) -> bytes | None:
    """The body with its first key given twice (the second with a surrogate), None for an empty body."""
    if not body:
        return None
    first = next(iter(body))
    inner = json.dumps(body)[1:-1]
    return ("{" + inner + f", {json.dumps(first)}: " + TEXTS["lone high surrogate"] + "}").encode()
