"""Deadlines of rights requests per regime (PRIV-8): month ends, extensions, business days and holidays."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from memberarea.privacy import deadlines
from memberarea.privacy.deadlines import CCPA, CORRECTION, GDPR, HIPAA, SHINE_THE_LIGHT

pytestmark = pytest.mark.req("PRIV-8")

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
kinds = st.sampled_from(["access", "portability", CORRECTION, "restriction", "erasure", "objection"])
holiday_sets = st.frozensets(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31)), max_size=30)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
        (dt.date(2026, 12, 15), dt.date(2027, 1, 15)),
    ],
)
def test_gdpr_is_one_calendar_month_ending_on_the_month_s_last_day_when_shorter(received, due):
    assert deadlines.due_date(regime=GDPR, kind="access", received=received) == due


def test_gdpr_extensions_count_from_receipt_one_month_at_a_time_two_at_most():
    received = dt.date(2026, 1, 31)
    assert deadlines.due_date(regime=GDPR, kind="erasure", received=received, extensions=1) == dt.date(2026, 3, 31)
    assert deadlines.due_date(regime=GDPR, kind="erasure", received=received, extensions=2) == dt.date(2026, 4, 30)
    with pytest.raises(ValueError):
        deadlines.due_date(regime=GDPR, kind="erasure", received=received, extensions=3)


def test_ccpa_hipaa_and_shine_the_light_periods():
    received = dt.date(2026, 3, 2)
    assert deadlines.due_date(regime=CCPA, kind="access", received=received) == dt.date(2026, 4, 16)
    assert deadlines.due_date(regime=CCPA, kind="access", received=received, extensions=1) == dt.date(2026, 5, 31)
    assert deadlines.due_date(regime=HIPAA, kind="access", received=received) == dt.date(2026, 4, 1)
    assert deadlines.due_date(regime=HIPAA, kind=CORRECTION, received=received) == dt.date(2026, 5, 1)
    assert deadlines.due_date(regime=HIPAA, kind=CORRECTION, received=received, extensions=1) == dt.date(2026, 5, 31)
    for regime in deadlines.REGIMES:
        assert deadlines.due_date(regime=regime, kind=SHINE_THE_LIGHT, received=received) == dt.date(2026, 4, 1)
        assert deadlines.extensions_allowed(regime=regime, kind=SHINE_THE_LIGHT) == 0


def test_ccpa_acknowledgement_skips_weekends_and_holidays():
    friday = dt.date(2026, 12, 18)
    assert deadlines.acknowledge_by(regime=CCPA, received=friday, holidays=frozenset()) == dt.date(2027, 1, 1)
    holidays = deadlines.holidays_parse(["2026-12-25", "2027-01-01"])
    assert deadlines.acknowledge_by(regime=CCPA, received=friday, holidays=holidays) == dt.date(2027, 1, 5)
    assert deadlines.acknowledge_by(regime=GDPR, received=friday, holidays=holidays) is None


@given(received=days, kind=kinds)
def test_gdpr_due_is_in_the_next_month_never_after_the_same_day(received, kind):
    due = deadlines.due_date(regime=GDPR, kind=kind, received=received)
    assert (due.year * 12 + due.month) - (received.year * 12 + received.month) == 1
    assert due.day <= received.day
    assert due.day == received.day or (due + dt.timedelta(days=1)).day == 1  # else the month's last day


@given(received=days, kind=kinds, regime=st.sampled_from(deadlines.REGIMES))
def test_each_extension_moves_the_deadline_later_and_the_limit_holds(received, kind, regime):
    allowed = deadlines.extensions_allowed(regime=regime, kind=kind)
    dues = [deadlines.due_date(regime=regime, kind=kind, received=received, extensions=n) for n in range(allowed + 1)]
    assert dues == sorted(set(dues)) and dues[0] > received
    with pytest.raises(ValueError):
        deadlines.due_date(regime=regime, kind=kind, received=received, extensions=allowed + 1)


@given(received=days, kind=kinds)
def test_day_counted_regimes_add_exactly_their_days(received, kind):
    assert (deadlines.due_date(regime=CCPA, kind=kind, received=received) - received).days == 45
    hipaa = 60 if kind == CORRECTION else 30
    assert (deadlines.due_date(regime=HIPAA, kind=kind, received=received) - received).days == hipaa
    assert (deadlines.due_date(regime=HIPAA, kind=kind, received=received, extensions=1) - received).days == hipaa + 30


@given(received=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 10, 31)), holidays=holiday_sets)
def test_ccpa_acknowledgement_is_the_tenth_business_day_after_receipt(received, holidays):
    by = deadlines.acknowledge_by(regime=CCPA, received=received, holidays=holidays)
    between = [received + dt.timedelta(days=n) for n in range(1, (by - received).days + 1)]
    assert sum(deadlines.is_business_day(day, holidays) for day in between) == 10
    assert deadlines.is_business_day(by, holidays)


@given(due=days, today=days)
def test_days_left_is_negative_exactly_when_overdue(due, today):
    assert (deadlines.days_left(due=due, today=today) < 0) == (today > due)
