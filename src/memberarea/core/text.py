"""The one rule for text the member area accepts from outside (REL-1, decision 0028).

Any string a visitor sends — an API field, a form field, a query parameter — must be Unicode scalar
values without NUL: an unpaired UTF-16 surrogate (which JSON's `\\ud800` escape can carry) cannot be
encoded to UTF-8 for hashing, encryption or storage, and PostgreSQL refuses NUL in text. Such a
string is refused at the edge with `invalid` and a message on its field, before any service sees it.
"""

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from .errors import INVALID, MemberAreaError

FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
MESSAGE = _("This contains a character we cannot accept. Please type it again.")


def text_acceptable(value: str) -> bool:
    """True when `value` has no NUL and no unpaired surrogate."""
    return FORBIDDEN.search(value) is None


def _unacceptable(data: object, path: str) -> Iterator[str]:
    if isinstance(data, str):
        if not text_acceptable(data):
            yield path or "__all__"
    elif isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and not text_acceptable(key):
                yield path or "__all__"  # a bad key is named by where it sits, never by itself
            else:
                yield from _unacceptable(value, name)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from _unacceptable(value, f"{path}.{index}" if path else str(index))


def text_check(data: object, *, field: str = "") -> None:
    """Refuse `data` (a string, or JSON-like lists and dicts of them) holding an unacceptable string:
    `invalid`, with MESSAGE on each field that holds one ("address.line1", "records.3.city")."""
    fields = dict.fromkeys(_unacceptable(data, field))
    if fields:
        raise MemberAreaError(INVALID, fields={name: [MESSAGE] for name in fields})
