"""The demo's files are private to its user: the SQLite database, its journal, var/ (issue 15, defect 9; OPS-1).

The keys file was created 0600, but the database beside it (the demo members' data) was 0644.
"""

import os
import stat
import subprocess
import sys

import pytest

from tests.test_one_machine import _embedded_env

pytestmark = [pytest.mark.req("OPS-1"), pytest.mark.req("OPS-3")]


def test_the_embedded_configuration_writes_private_files(tmp_path, repo_root):
    var_dir = tmp_path / "var"
    var_dir.mkdir(mode=0o755)
    env = _embedded_env(var_dir)
    manage = [sys.executable, str(repo_root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, capture_output=True, timeout=300)
    assert stat.S_IMODE(var_dir.stat().st_mode) == 0o700
    written = [path for path in var_dir.rglob("*") if path.is_file()]
    assert {"memberarea.sqlite3", "local-keys.env"} <= {path.name for path in written}
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path.name} is {oct(path.stat().st_mode)}"
    assert os.access(var_dir / "memberarea.sqlite3", os.R_OK | os.W_OK)
