"""Usernames are identity documents, typed by people in many ways; we store one canonical form."""

import re
import unicodedata

from memberarea.core.crypto import blind_index

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—−./_]+")  # whitespace, dots, slashes and every dash people paste


def normalise_username(value: str) -> str:
    """NFKC, upper case, no spaces or separators: ' x-1234567-l ' and 'X1234567L' are one username."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()


def username_index(value: str) -> str:
    return blind_index("account-username", normalise_username(value))
