"""Small-cell suppression for the aggregate reports (PRIV-11, decision 0037).

A report is a table of counts with its row totals, column totals and grand total. Counts from 1 to
`AGGREGATE_SUPPRESSION_THRESHOLD` (10) are never published, totals included (primary suppression);
0 is. Hiding those is not enough: a hidden cell alone in its row equals the row total minus the rest.
So more cells are hidden (secondary suppression) until no hidden value can be worked out exactly from
what is published, knowing that each hidden value is at least 1 (a 0 would have been shown).

The test for "cannot be worked out" is exact, not a rule of thumb. Put the totals around the table
with a minus sign (the grand total with a plus) and every line of the bordered table sums to zero;
hidden cells are then the edges of a graph between lines (rows on one side, columns on the other).
A hidden cell can take another value, with everything published unchanged, exactly when it lies on a
cycle of hidden cells along which values can move by one, alternately up and down, without any hidden
value falling below 1: a cell that would fall must hold at least 2 (integer circulations decompose
into such cycles, so no other change exists). `cell_protected` searches for that cycle; `suppress`
hides, for each unprotected cell, the smallest non-zero published value in its row or column that
protects it, until every hidden cell is protected. Hiding more never unprotects a cell, so the loop
ends, at the latest when every non-zero value is hidden.
"""

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]  # (row, column) of the bordered table: the last row and column hold the totals


@dataclass(frozen=True)
class Suppressed:
    """What may be published: `None` where a value is hidden; the totals on the border."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None

    @property
    def hidden(self) -> int:
        values = [value for row in self.cells for value in row] + self.row_totals + self.column_totals + [self.total]
        return sum(value is None for value in values)


def bordered(counts: Sequence[Sequence[int]], columns: int | None = None) -> list[list[int]]:
    """The counts with a column of row totals, a row of column totals and the grand total in the corner.

    `columns` is the width of a table that may have no rows yet.
    """
    columns = len(counts[0]) if counts else columns or 0
    rows = [[*row, sum(row)] for row in counts]
    bottom = [sum(row[index] for row in rows) for index in range(columns + 1)]
    return [*rows, bottom]


def _sign(cell: Cell, last_row: int, last_column: int) -> int:
    """+1 inside and at the grand total, -1 on the totals: then every line of the border sums to zero."""
    return 1 if (cell[0] == last_row) == (cell[1] == last_column) else -1


def _arcs(cell: Cell, value: int, sign: int) -> list[tuple[tuple[str, int], tuple[str, int]]]:
    """The ways a hidden cell can be walked: row→column moves its signed value up, column→row down.

    A move that lowers the real value needs it to be at least 2 (hidden values are known to be ≥ 1).
    """
    row, column = ("r", cell[0]), ("c", cell[1])
    arcs = []
    if sign > 0 or value >= 2:
        arcs.append((row, column))
    if sign < 0 or value >= 2:
        arcs.append((column, row))
    return arcs


def cell_protected(table: list[list[int]], hidden: set[Cell], cell: Cell) -> bool:
    """Whether the hidden `cell` can take another value, all published values and hidden values ≥ 1 kept."""
    last_row, last_column = len(table) - 1, len(table[0]) - 1
    graph: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for other in hidden:
        if other != cell:
            for start, end in _arcs(other, table[other[0]][other[1]], _sign(other, last_row, last_column)):
                graph.setdefault(start, []).append(end)
    for start, end in _arcs(cell, table[cell[0]][cell[1]], _sign(cell, last_row, last_column)):
        if _reachable(graph, end, start):
            return True
    return False


def _reachable(graph: dict[tuple[str, int], list[tuple[str, int]]], start: tuple[str, int], goal) -> bool:
    seen, queue = {start}, deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return True
        for following in graph.get(node, ()):
            if following not in seen:
                seen.add(following)
                queue.append(following)
    return False


def _candidates(table: list[list[int]], hidden: set[Cell], cell: Cell) -> list[Cell]:
    """Published non-zero values in the cell's row and column, smallest first (ties in reading order)."""
    row, column = cell
    line = [(row, index) for index in range(len(table[0]))] + [(index, column) for index in range(len(table))]
    published = {other for other in line if other not in hidden and table[other[0]][other[1]] > 0}
    return sorted(published, key=lambda other: (table[other[0]][other[1]], other))


def _fallback(table: list[list[int]], hidden: set[Cell]) -> Cell:
    """The smallest published non-zero value anywhere (never needed in practice: a line always offers one)."""
    cells = [(row, column) for row in range(len(table)) for column in range(len(table[0]))]
    return min(
        (cell for cell in cells if cell not in hidden and table[cell[0]][cell[1]] > 0),
        key=lambda cell: (table[cell[0]][cell[1]], cell),
    )


def hidden_cells(
    counts: Sequence[Sequence[int]], *, threshold: int, columns: int | None = None
) -> tuple[list[list[int]], set[Cell]]:
    """The bordered table and the cells of it to hide: primary (1..threshold), then secondary to a fixed point."""
    table = bordered(counts, columns)
    hidden = {
        (row, column)
        for row in range(len(table))
        for column in range(len(table[0]))
        if 1 <= table[row][column] <= threshold
    }
    exposed = [cell for cell in sorted(hidden) if not cell_protected(table, hidden, cell)]
    while exposed:
        cell = exposed[0]
        candidates = _candidates(table, hidden, cell)
        chosen = next(
            (other for other in candidates if cell_protected(table, hidden | {other}, cell)),
            candidates[0] if candidates else _fallback(table, hidden),
        )
        hidden.add(chosen)
        exposed = [cell for cell in sorted(hidden) if not cell_protected(table, hidden, cell)]
    return table, hidden


def suppress(counts: Sequence[Sequence[int]], *, threshold: int, columns: int | None = None) -> Suppressed:
    """The counts as they may be published (see the module's docstring for the rule and why it is safe)."""
    table, hidden = hidden_cells(counts, threshold=threshold, columns=columns)
    shown = [
        [None if (row, column) in hidden else value for column, value in enumerate(line)]
        for row, line in enumerate(table)
    ]
    return Suppressed(
        cells=[line[:-1] for line in shown[:-1]],
        row_totals=[line[-1] for line in shown[:-1]],
        column_totals=shown[-1][:-1],
        total=shown[-1][-1],
    )
