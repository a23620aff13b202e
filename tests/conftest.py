"""Fixtures shared by the whole suite."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages

from memberarea.core import clock
from memberarea.core.redis_connection import redis_client

CHROMIUM = "/usr/bin/chromium"
pytest_plugins = ["tests.identity.registering"]


@pytest.fixture(autouse=True)
def _private_files(tmp_path, settings):
    """Each test writes stored files to its own folder."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(location)}},
    }

    storages._storages.pop("default", None)
    yield location
    storages._storages.pop("default", None)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Counters, locks and used captchas start empty in every test, on Redis as in the database."""
    if settings.RATE_LIMIT_BACKEND == "redis":
        client = redis_client()
        keys = list(client.scan_iter(match=f"{settings.RATE_LIMIT_KEY_PREFIX}*", count=1000))
        if keys:
            client.delete(*keys)
    yield


@pytest.fixture
def frozen_clock():
    """The injected clock, frozen at a fixed instant; `.advance(minutes=…)` moves it."""
    with clock.frozen(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)) as frozen:
        yield frozen


@pytest.fixture
def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; its absence fails the run (never a silent skip)."""
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (make test does)")
    return CHROMIUM


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def backend(request, settings):
    """Where counters, locks and used captcha answers live, by indirect parametrisation: "database"
    rows, or "redis" — the real server at REDIS_URL (tests that need it skip without it)."""
    settings.RATE_LIMIT_BACKEND = request.param
    if request.param == "redis":
        settings.REDIS_URL = os.environ.get("REDIS_URL", "")
    redis_client.cache_clear()
    yield request.param
    redis_client.cache_clear()
