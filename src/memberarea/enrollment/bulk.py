"""New rows written in bulk: PostgreSQL's COPY on PostgreSQL, `bulk_create` elsewhere (PERF-5).

A first load is almost only new rows. `bulk_create` on PostgreSQL compiles one INSERT per batch with
every value as an array parameter, which costs more than the encryption it carries; COPY streams the
same values — each field's `pre_save` (so encrypted fields are sealed exactly as `save()` seals them)
then its `get_db_prep_save` — inside the caller's transaction. Auto-increment keys are left to the
database and not read back, so it serves models whose callers do not need them (UUID keys are set
before the row is written).

On SQLite a load keeps a bigger page cache on its connection while it runs (`bulk_load_session`):
the blind indexes are keyed by HMACs, so every new row lands on a random leaf page of each index,
and once the indexes outgrow SQLite's default 2 MiB cache each insert and each commit's checkpoint
reads and writes pages again — the time per row then grows with the table, which is what PERF-5 bars.
"""

import contextlib
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.db import connection, models
from django.db.models.fields import AutoFieldMixin


def rows_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert `objects` (new, unsaved instances of `model`) in one statement stream."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects)
        return
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for instance in objects:
            copy.write_row([f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields])
    for instance in objects:
        instance._state.adding = False
        instance._state.db = connection.alias


@contextlib.contextmanager
def bulk_load_session() -> Iterator[None]:
    """On SQLite, this connection's page cache raised to ENROLLMENT_IMPORT_SQLITE_CACHE_MIB for the load."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(settings.ENROLLMENT_IMPORT_SQLITE_CACHE_MIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")
