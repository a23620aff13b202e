"""The test suite: fixed test keys, fast hashing, the database from DATABASE_URL (SQLite file or
PostgreSQL). Tests of hashing itself set the real parameters explicitly."""

import os

from .env import new_key

os.environ.setdefault("SECRET_KEY", "test-" + "k" * 60 + "-not-secret")
for _name in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY"):
    os.environ.setdefault(_name, new_key())
os.environ.setdefault("DEMO_MODE", "1")
# Fixed, so tests can read links; tests of the demo's served-origin links override it with "".
os.environ.setdefault("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

from .base import *  # noqa: E402,F403

# A test-only model per kind of encrypted field (tests/core/sealed_app), created without migrations.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.core.sealed_app"]
PASSWORD_ARGON2_TIME_COST = 1
PASSWORD_ARGON2_MEMORY_KIB = 64
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# One test database per test process (pytest-xdist adds its worker suffix), so parallel runs never
# share one. SQLite uses a file, never :memory:, so threads, worker processes and the browser
# share the test database.
_test_db = os.environ.get("TEST_DATABASE_NAME", f"test_memberarea_{os.getpid()}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"{_test_db}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": _test_db}
LOGGING["root"]["level"] = "WARNING"
# Each test process counts in its own part of Redis; tests/conftest.py empties it before each test.
RATE_LIMIT_KEY_PREFIX = f"{_test_db}:"
