"""Small-cell suppression (PRIV-11): nothing from 1 to 10 is published, and no hidden count can be
worked out exactly from the published cells and totals — checked against an independent solver of the
table's linear constraints (tests/privacy/bounds.py) over generated populations."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memberarea.privacy.suppression import bordered, suppress

from .bounds import hidden_bounds

THRESHOLD = 10

# Populations where small counts are common: each cell is empty, small or large.
counts = st.one_of(st.just(0), st.integers(1, THRESHOLD), st.integers(THRESHOLD + 1, 60))
tables = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda columns: st.lists(st.lists(counts, min_size=columns, max_size=columns), min_size=rows, max_size=rows)
    )
)


def published_bordered(result) -> list[list[int | None]]:
    rows = [[*cells, total] for cells, total in zip(result.cells, result.row_totals, strict=True)]
    return [*rows, [*result.column_totals, result.total]]


def published_values(result) -> list[int]:
    return [value for line in published_bordered(result) for value in line if value is not None]


@pytest.mark.req("PRIV-11")
@settings(max_examples=300, deadline=None, database=None)
@given(tables)
def test_no_small_count_is_published_and_no_hidden_count_can_be_worked_out(table):
    result = suppress(table, threshold=THRESHOLD)
    assert not [value for value in published_values(result) if 1 <= value <= THRESHOLD]
    full = bordered(table)
    for (row, column), (least, most) in hidden_bounds(published_bordered(result)).items():
        assert least <= full[row][column] and (most is None or full[row][column] <= most)
        assert most is None or least < most, f"hidden cell {(row, column)} is exactly {least} in {table}"


@pytest.mark.req("PRIV-11")
def test_a_small_count_alone_in_its_row_takes_a_neighbour_with_it():
    result = suppress([[5, 40, 30], [20, 25, 35]], threshold=THRESHOLD)
    assert result.cells[0][0] is None
    hidden_in_first_row = sum(value is None for value in result.cells[0])
    assert hidden_in_first_row >= 2
    assert sum(value is None for value in [row[0] for row in result.cells]) >= 2


@pytest.mark.req("PRIV-11")
def test_zeros_and_large_tables_are_published_as_they_are():
    table = [[0, 40], [25, 0]]
    result = suppress(table, threshold=THRESHOLD)
    assert result.cells == table and result.row_totals == [40, 25] and result.total == 65


@pytest.mark.req("PRIV-11")
def test_a_small_total_is_hidden_as_well():
    result = suppress([[3, 0], [0, 0]], threshold=THRESHOLD)
    assert result.row_totals[0] is None and result.column_totals[0] is None and result.total is None


@pytest.mark.req("PRIV-11")
def test_two_ones_that_make_a_total_of_two_are_not_left_to_be_read():
    """Knowing hidden values are at least 1, a published row total of 2 over two hidden cells gives both away."""
    result = suppress([[1, 1, 0], [30, 40, 50]], threshold=THRESHOLD)
    bounds = hidden_bounds(published_bordered(result))
    assert all(most is None or least < most for least, most in bounds.values())
