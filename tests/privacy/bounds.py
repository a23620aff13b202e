"""What an adversary can work out from a published table: each hidden value's least and greatest value.

Independent of the suppression code: a two-phase simplex in exact fractions (Bland's rule, so it
cannot cycle) over the table's linear constraints — every row and column adds up to its total, every
hidden value is at least 1 (a 0 would have been shown). The constraint matrix of a table with margins
is totally unimodular, so the bounds of the linear programme are also the bounds over whole numbers.
"""

from fractions import Fraction

UNBOUNDED = None


def _minimum(matrix: list[list[Fraction]], right: list[Fraction], cost: list[Fraction]) -> Fraction | None:
    """min cost·z subject to matrix·z = right, z ≥ 0; None when unbounded below (the problem is feasible)."""
    variables = len(cost)
    rows = []
    for line, value in zip(matrix, right, strict=True):
        flip = -1 if value < 0 else 1
        rows.append([flip * entry for entry in line] + [flip * value])
    count = len(rows)
    for index, row in enumerate(rows):  # one artificial variable per row, after the real ones
        row[variables:variables] = [Fraction(int(other == index)) for other in range(count)]
    basis = [variables + index for index in range(count)]

    def pivot(at: int, entering: int) -> None:
        factor = rows[at][entering]
        rows[at] = [entry / factor for entry in rows[at]]
        for index, row in enumerate(rows):
            if index != at and row[entering] != 0:
                scale = row[entering]
                rows[index] = [entry - scale * pivot_entry for entry, pivot_entry in zip(row, rows[at], strict=True)]
        basis[at] = entering

    def run(costs: list[Fraction], allowed: range) -> bool:
        """Pivot to an optimum; False when unbounded."""
        while True:
            entering = next(
                (
                    column
                    for column in allowed
                    if column not in basis
                    and costs[column] - sum(costs[basis[index]] * rows[index][column] for index in range(len(rows))) < 0
                ),
                None,
            )
            if entering is None:
                return True
            ratios = [
                (row[-1] / row[entering], basis[index], index) for index, row in enumerate(rows) if row[entering] > 0
            ]
            if not ratios:
                return False
            pivot(min(ratios)[2], entering)

    phase_one = [Fraction(0)] * variables + [Fraction(1)] * count
    run(phase_one, range(variables + count))
    if any(basis[index] >= variables and rows[index][-1] != 0 for index in range(len(rows))):
        raise AssertionError("the published table has no solution: the test's constraints are wrong")
    for index in reversed(range(len(rows))):  # drive the artificial variables left at zero out of the basis
        if basis[index] >= variables:
            column = next((column for column in range(variables) if rows[index][column] != 0), None)
            if column is None:
                del rows[index], basis[index]  # a redundant equation
            else:
                pivot(index, column)
    for row in rows:
        del row[variables : variables + count]
    if not run(cost, range(variables)):
        return UNBOUNDED
    return sum((cost[basis[index]] * rows[index][-1] for index in range(len(rows))), Fraction(0))


def hidden_bounds(published: list[list[int | None]]) -> dict[tuple[int, int], tuple[Fraction, Fraction | None]]:
    """For each hidden cell of a bordered table (totals in the last row and column): (least, greatest or None)."""
    last_row, last_column = len(published) - 1, len(published[0]) - 1
    cells = [(row, column) for row in range(last_row + 1) for column in range(last_column + 1)]
    hidden = [cell for cell in cells if published[cell[0]][cell[1]] is None]
    position = {cell: index for index, cell in enumerate(hidden)}

    def sign(cell):
        return 1 if (cell[0] == last_row) == (cell[1] == last_column) else -1

    lines = [[(row, column) for column in range(last_column + 1)] for row in range(last_row + 1)]
    lines += [[(row, column) for row in range(last_row + 1)] for column in range(last_column + 1)]
    matrix, right = [], []
    for line in lines:  # Σ sign·value = 0 along every line; hidden values are 1 + z with z ≥ 0
        coefficients = [Fraction(0)] * len(hidden)
        constant = Fraction(0)
        for cell in line:
            value = published[cell[0]][cell[1]]
            if value is None:
                coefficients[position[cell]] += sign(cell)
                constant += sign(cell)
            else:
                constant += sign(cell) * value
        if any(coefficients):
            matrix.append(coefficients)
            right.append(-constant)
    bounds = {}
    for cell in hidden:
        unit = [Fraction(int(index == position[cell])) for index in range(len(hidden))]
        least = _minimum(matrix, right, unit)
        most = _minimum(matrix, right, [-entry for entry in unit])
        assert least is not None  # values are bounded below by 1
        bounds[cell] = (1 + least, None if most is None else 1 - most)
    return bounds
