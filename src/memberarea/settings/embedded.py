"""One machine, no other service: SQLite, the development outbox, demo mode (`make run`).

Secrets not given in the environment are generated once into var/local-keys.env, so a fresh clone
runs with no set-up; production.py never does this. Everything this process writes (the SQLite
database and its journal files, the keys, the stored files, var/served-origin) is private to its
user: the umask takes the group's and others' rights away, and var/ itself is 0700.
"""

import os
from pathlib import Path

from .env import new_key

LOCAL_KEYS_NAMES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY")


def _load_local_keys() -> None:
    var_dir = Path(os.environ.get("MEMBERAREA_VAR_DIR", Path(__file__).resolve().parents[3] / "var"))
    os.umask(0o077)  # the demo's files hold the (demo) members' data and its keys: this user's only
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    var_dir.chmod(0o700)  # a var/ made world-readable by an earlier run hides its files again
    path = var_dir / "local-keys.env"
    if not path.exists():
        lines = [f"{name}={new_key() + new_key() if name == 'SECRET_KEY' else new_key()}" for name in LOCAL_KEYS_NAMES]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("# Development keys generated on first run. Never use them in production.\n")
            handle.write("\n".join(lines) + "\n")
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            os.environ.setdefault(name, value)


_load_local_keys()
os.environ.setdefault("DEMO_MODE", "1")

from .base import *  # noqa: E402,F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # served straight from the apps by whitenoise's finders; nothing is collected
