"""The one parser of a typed date of birth (REG-1, LOGIN-8): every accepted form, every impossible date
refused, property-tested over the whole calendar."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from memberarea.core import clock
from memberarea.core.errors import MemberAreaError
from memberarea.identity.flows.facts import birth_date_parse

TODAY = dt.date(2026, 3, 2)  # the frozen clock's day in Madrid
PAST = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
FORMS = ("%d%m%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse(text: str) -> dt.date:
    with clock.frozen(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)):
        return birth_date_parse(text)


def refused(text: str) -> bool:
    try:
        parse(text)
    except MemberAreaError as error:
        assert error.code == "invalid" and list(error.fields) == ["date_of_birth"]
        return True
    return False


@pytest.mark.req("REG-1")
@pytest.mark.req("LOGIN-8")
@hypothesis_settings(max_examples=300, deadline=None)
@given(day=PAST, form=st.sampled_from(FORMS))
def test_every_real_past_date_reads_back_in_every_form(day, form):
    assert parse(day.strftime(form)) == day


@pytest.mark.req("REG-1")
@pytest.mark.req("LOGIN-8")
@hypothesis_settings(max_examples=300, deadline=None)
@given(day=st.integers(0, 99), month=st.integers(0, 99), year=st.integers(1900, 2026))
def test_eight_digits_are_day_month_year_or_refused(day, month, year):
    text = f"{day:02d}{month:02d}{year:04d}"
    try:
        expected = dt.date(year, month, day)
    except ValueError:
        expected = None
    if expected is None or expected > TODAY:
        assert refused(text)
    else:
        assert parse(text) == expected


@pytest.mark.req("REG-1")
@pytest.mark.req("LOGIN-8")
@pytest.mark.parametrize("text", ["12031984", " 12031984 ", "12 03 1984", "12/03/1984", "12-03-1984", "1984-03-12"])
def test_the_digits_only_form_and_the_separated_forms_agree(text):
    assert parse(text) == dt.date(1984, 3, 12)


@pytest.mark.req("REG-1")
@pytest.mark.req("LOGIN-8")
@pytest.mark.parametrize(
    "text",
    [
        "31022000",
        "00001984",
        "00011984",
        "32011984",
        "01131984",
        "29022001",
        "01011899",
        "01012999",
        "1203198",
        "120319840",
        "19840312",
        "1984312",
        "12/031984",
        "",
        "x" * 10_000,
    ],
)
def test_impossible_partial_or_ambiguous_digits_are_refused(text):
    assert refused(text)
