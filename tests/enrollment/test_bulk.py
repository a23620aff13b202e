"""The bulk-load session of an import (PERF-5): a bigger SQLite page cache while it runs, then as before;
on PostgreSQL (whose buffers are the server's) it changes nothing."""

import pytest
from django.db import connection

from memberarea.enrollment.bulk import bulk_load_session


def _cache_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size" if connection.vendor == "sqlite" else "SHOW work_mem")
        return str(cursor.fetchone()[0])


@pytest.mark.req("PERF-5")
@pytest.mark.django_db
def test_an_import_raises_the_sqlite_page_cache_only_while_it_runs(settings):
    settings.ENROLLMENT_IMPORT_SQLITE_CACHE_MIB = 48
    before = _cache_setting()
    with bulk_load_session():
        inside = _cache_setting()
    assert inside == (str(-48 * 1024) if connection.vendor == "sqlite" else before)
    assert _cache_setting() == before


@pytest.mark.req("PERF-5")
@pytest.mark.django_db
def test_the_cache_is_restored_when_a_load_fails():
    before = _cache_setting()
    with pytest.raises(RuntimeError), bulk_load_session():
        raise RuntimeError("a file stopped halfway")
    assert _cache_setting() == before
