"""When a rights request must be answered (PRIV-8, decision 0033): pure date arithmetic, per regime.

- GDPR: one calendar month from receipt (31 January → 28 or 29 February), extended by one month at a
  time, at most two, with notice to the member.
- CCPA: 45 calendar days, extended once by 45; the receipt is acknowledged within 10 business days
  (weekends and the configured holidays skipped).
- HIPAA: access 30 days, amendment (a correction) 60, extended once by 30.
- Shine the Light: 30 days whatever the regime, no extension.

Every due date is counted from the day of receipt, never from the previous due date: two GDPR
extensions of a request received on 31 January end on 30 April, not on 28 April.
Nothing here reads settings or the clock; callers pass the regime, the holidays and today.
"""

import calendar
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

GDPR, CCPA, HIPAA = "gdpr", "ccpa", "hipaa"
REGIMES = (GDPR, CCPA, HIPAA)
CORRECTION, SHINE_THE_LIGHT = "correction", "shine_the_light"  # the kinds with their own periods
CCPA_ACKNOWLEDGE_BUSINESS_DAYS = 10


@dataclass(frozen=True)
class Period:
    """A deadline's shape: the first period and each extension, in months or days; how many extensions."""

    months: int = 0
    days: int = 0
    extension_months: int = 0
    extension_days: int = 0
    extensions: int = 0


def period_of(regime: str, kind: str) -> Period:
    if regime not in REGIMES:
        raise ValueError(f"unknown privacy regime {regime!r}")
    if kind == SHINE_THE_LIGHT:
        return Period(days=30)
    if regime == GDPR:
        return Period(months=1, extension_months=1, extensions=2)
    if regime == CCPA:
        return Period(days=45, extension_days=45, extensions=1)
    return Period(days=60 if kind == CORRECTION else 30, extension_days=30, extensions=1)


def months_add(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def due_date(*, regime: str, kind: str, received: dt.date, extensions: int = 0) -> dt.date:
    """The last day to answer a request received on `received` and extended `extensions` times."""
    period = period_of(regime, kind)
    if not 0 <= extensions <= period.extensions:
        raise ValueError(f"{regime} allows {period.extensions} extension(s) of a {kind} request")
    if period.months:
        return months_add(received, period.months + extensions * period.extension_months)
    return received + dt.timedelta(days=period.days + extensions * period.extension_days)


def extensions_allowed(*, regime: str, kind: str) -> int:
    return period_of(regime, kind).extensions


def is_business_day(day: dt.date, holidays: Collection[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def business_days_add(day: dt.date, count: int, holidays: Collection[dt.date]) -> dt.date:
    """The `count`-th business day after `day` (the day itself is not counted)."""
    while count > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day, holidays):
            count -= 1
    return day


def acknowledge_by(*, regime: str, received: dt.date, holidays: Collection[dt.date]) -> dt.date | None:
    """The last day to acknowledge receipt: CCPA only (10 business days); None elsewhere."""
    if regime != CCPA:
        return None
    return business_days_add(received, CCPA_ACKNOWLEDGE_BUSINESS_DAYS, holidays)


def days_left(*, due: dt.date, today: dt.date) -> int:
    """Days until the due date: 0 on the day itself, negative once overdue."""
    return (due - today).days


def holidays_parse(values: Collection[str]) -> frozenset[dt.date]:
    """The holiday calendar setting (ISO dates); a malformed one stops the start, not a deadline."""
    return frozenset(dt.date.fromisoformat(value) for value in values)
