"""The one source of "now". Tests move it with `frozen(at)`; code never calls timezone.now() directly,
so expiry, deadlines and age rules can be tested at their edges."""

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.utils import timezone

_global_override: list[dt.datetime] = []


def now() -> dt.datetime:
    return _global_override[-1] if _global_override else timezone.now()


def today_in(zone_name: str) -> dt.date:
    return now().astimezone(ZoneInfo(zone_name)).date()


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator["FrozenClock"]:
    """Freeze the clock for every thread (tests drive servers in threads too)."""
    if timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    clock = FrozenClock(at)
    _global_override.append(at)
    clock._slot = len(_global_override) - 1
    try:
        yield clock
    finally:
        del _global_override[clock._slot :]


class FrozenClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at
        self._slot = 0

    def advance(self, **delta: float) -> dt.datetime:
        self.at = self.at + dt.timedelta(**delta)
        _global_override[self._slot] = self.at
        return self.at
