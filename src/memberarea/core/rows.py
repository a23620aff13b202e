"""Reading rows on the hot paths: the one row of a unique lookup, and reads whose SQL is built once."""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Field, Model, QuerySet
from django.db.models.query import RawQuerySet

M = TypeVar("M", bound=Model)


def row_or_none(rows: QuerySet[M] | RawQuerySet[M]) -> M | None:
    """The row a lookup on a unique key finds, or None.

    Not `.first()`: its ORDER BY makes Django compile the selected columns again, which costs more
    CPU than the query itself on the hot paths (PERF-2, PERF-3).
    """
    return next(iter(rows), None)


class PreparedRead(Generic[M]):
    """A read by one value whose SQL Django builds from a queryset once per process and database
    engine, then runs as raw SQL with each new value (decision 0048).

    On the sign-in's hot path, building and compiling a queryset costs three to four times the
    query itself (PERF-1). The SQL stays the ORM's own — its columns, joins, annotations, quoting and
    ORDER BY — and the rows are the model's instances with every field's conversion (decryption
    included), so nothing is written twice. `key` is the field whose database form the value takes;
    the query's other parameters (constants of the queryset) are kept as built.
    """

    def __init__(self, build: Callable[[Any], QuerySet[M]], key: Field) -> None:
        self._build, self._key = build, key
        self._sql: dict[str, tuple[type[M], str, list[Any], int]] = {}

    def rows(self, value: Any) -> RawQuerySet[M]:
        parameter = self._key.get_db_prep_value(value, connection)
        prepared = self._sql.get(connection.vendor)
        if prepared is None:
            queryset = self._build(value)
            if queryset.query.select_related:
                raise ValueError("raw rows cannot carry select_related's joined models: read them apart")
            sql, params = queryset.query.sql_with_params()
            places = [index for index, param in enumerate(params) if param == parameter]
            if len(places) != 1:
                raise ValueError(f"the value must be exactly one of the query's parameters, not {len(places)}")
            prepared = self._sql[connection.vendor] = (queryset.model, sql, list(params), places[0])
        model, sql, constants, place = prepared
        return model._default_manager.raw(sql, [*constants[:place], parameter, *constants[place + 1 :]])
