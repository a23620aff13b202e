"""OPS-3: the key backup and restore procedure of docs/operations.md, rehearsed on a real database.

A backup of the database restores only together with the same keys: with them the audit chain
verifies and encrypted values open; with other keys neither works.
"""

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

pytestmark = pytest.mark.req("OPS-3")

OPEN_USERNAMES = (
    "from memberarea.identity.models import Account; print(sorted(a.username for a in Account.objects.all())[0])"
)


def _env(var_dir) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY", "DEMO_MODE"):
        env.pop(name, None)
    env.update(DJANGO_SETTINGS_MODULE="memberarea.settings.embedded", MEMBERAREA_VAR_DIR=str(var_dir))
    return env


def _manage(repo_root, var_dir, *args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(repo_root / "manage.py"), *args],
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=180,
        check=check,
    )


def test_a_backup_restores_with_its_keys_and_only_with_them(tmp_path, repo_root):
    live, restored, wrong_keys = tmp_path / "live", tmp_path / "restored", tmp_path / "wrong-keys"
    _manage(repo_root, live, "migrate", "-v", "0")
    _manage(repo_root, live, "demo_load")

    # Backup: an online copy of the SQLite database (the sqlite3 backup API) plus the key file,
    # which in production lives in the secret manager, never beside the database.
    for target in (restored, wrong_keys):
        target.mkdir()
        with (
            sqlite3.connect(live / "memberarea.sqlite3") as source,
            sqlite3.connect(target / "memberarea.sqlite3") as copy,
        ):
            source.backup(copy)
    shutil.copy(live / "local-keys.env", restored / "local-keys.env")

    intact = _manage(repo_root, restored, "verify_audit")
    assert "audit log intact" in intact.stdout
    expected = _manage(repo_root, live, "shell", "-v", "0", "-c", OPEN_USERNAMES).stdout.strip()
    opened = _manage(repo_root, restored, "shell", "-v", "0", "-c", OPEN_USERNAMES)
    assert expected and opened.stdout.strip() == expected

    # Restored without its keys (fresh ones are generated): nothing verifies, nothing opens.
    forged = _manage(repo_root, wrong_keys, "verify_audit", check=False)
    assert forged.returncode != 0 and "changed at entry 1" in forged.stdout
    unreadable = _manage(repo_root, wrong_keys, "shell", "-v", "0", "-c", OPEN_USERNAMES, check=False)
    assert unreadable.returncode != 0 and "DecryptionError" in unreadable.stderr
