"""Reading the one row of a unique lookup."""

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def row_or_none(rows: QuerySet[M]) -> M | None:
    """The row a lookup on a unique key finds, or None.

    Not `.first()`: its ORDER BY makes Django compile the selected columns again, which costs more
    CPU than the query itself on the hot paths (PERF-2, PERF-3).
    """
    return next(iter(rows), None)
