"""After an erasure no erased value is left anywhere in the database (PRIV-8, OPS-3): not in any column of
any table as text, not in the SQLite file's bytes (free pages included) or a PostgreSQL dump, and not
behind the encryption — every encrypted value still in the database, opened with the keys, is checked.

The test commits for real (a transactional test), so the file and the dump hold what a server would.
"""

import subprocess  # nosec B404  (pg_dump of the test database, with fixed arguments)
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from memberarea.core.fields import encrypted_fields
from tests.enrollment.records import database_dump
from tests.privacy.test_erasure import ERASED_VALUES, build_world, erase, erased_forms

pytestmark = [pytest.mark.req("PRIV-8"), pytest.mark.req("OPS-3")]


def _raw_database() -> str:
    """SQLite: the file's bytes after a checkpoint; PostgreSQL: pg_dump of the test database."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        files = [Path(settings["NAME"]), Path(f"{settings['NAME']}-wal")]
        return "".join(path.read_bytes().decode("latin-1") for path in files if path.exists())
    command = ["pg_dump", "--data-only", "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    command += ["-U", settings["USER"], settings["NAME"]]
    environment = {"PGPASSWORD": settings["PASSWORD"] or "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, check=True, capture_output=True, env=environment, text=True).stdout  # nosec B603


def _decrypted_values() -> str:
    """Every encrypted value of every model, opened with the keys."""
    values = []
    for model in apps.get_models():
        for field in encrypted_fields(model):
            for row in model._default_manager.only("pk", field.name).iterator():
                values.append(str(getattr(row, field.attname)))
    return "\n".join(values)


@pytest.mark.django_db(transaction=True)
def test_no_erased_value_is_left_in_any_form():
    world = build_world()
    forms = erased_forms()
    before = database_dump() + _raw_database() + _decrypted_values()
    assert [value for value in ERASED_VALUES.values() if value not in before] == [], "the search finds them first"

    erase(world)

    raw = _raw_database()
    assert "POL200" in raw and "M000008" in raw, "the raw search reads the rows that stay"
    for where, text in (("columns", database_dump()), ("raw", raw), ("decrypted", _decrypted_values())):
        found = [form for form in forms if form in text or form in text.casefold()]
        assert found == [], f"{where}: {found}"
