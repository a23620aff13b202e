"""Outages (OPS-2): the database or Redis really unreachable → clean 503s; back → the app recovers alone.

Nothing is mocked: the database connection is pointed at a port nobody listens on (PostgreSQL) or
at a file in a missing folder (SQLite), and Redis at a closed port.
"""

import json
import os
import uuid
from urllib.parse import urlsplit

import pytest
import redis
from django.db import connections
from django.test import Client

from memberarea.core.errors import SERVICE_UNAVAILABLE
from memberarea.core.ratelimit import Limit, attempt_reserve, attempts_clear
from memberarea.core.redis_connection import redis_client
from memberarea.core.views import RETRY_AFTER_SECONDS, is_outage
from memberarea.identity.services import account_create
from tests.core.conftest import TcpGate
from tests.identity.signing_in import signed_in_client

pytestmark = pytest.mark.req("OPS-2")

API_PATH_USING_THE_DATABASE = "/api/v1/enrollment/batches"  # bearer tokens are looked up in the database


@pytest.fixture
def browser() -> Client:
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")


class DatabaseSwitch:
    """Cuts the default connection for real and restores it; restoring the settings is all it takes."""

    def __init__(self, broken: dict[str, str]) -> None:
        self.connection = connections["default"]
        self.saved = dict(self.connection.settings_dict)
        self.broken = broken

    def cut(self) -> None:
        self.connection.close()
        self.connection.settings_dict.update(self.broken)

    def restore(self) -> None:
        self.connection.settings_dict.update(self.saved)


@pytest.fixture
def database_switch(tmp_path, closed_port):
    if connections["default"].vendor == "sqlite":
        switch = DatabaseSwitch({"NAME": str(tmp_path / "missing-folder" / "db.sqlite3")})
    else:
        switch = DatabaseSwitch({"HOST": "127.0.0.1", "PORT": str(closed_port)})
    try:
        yield switch
    finally:
        switch.restore()
        switch.connection.close()


@pytest.mark.django_db
def test_health_and_ready_answer_when_all_is_well(browser, settings):
    health = browser.get("/health")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    ready = browser.get("/ready")
    assert ready.status_code == 200
    expected = {"database": "ok", **({"redis": "ok"} if settings.REDIS_URL else {})}
    assert ready.json() == {"status": "ok", "checks": expected}
    assert "no-cache" in ready["Cache-Control"] or "no-store" in ready["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_database_outage_answers_503_and_the_site_recovers_by_itself(browser, database_switch, settings):
    account = account_create(username="X1234567L", password="a long passphrase")
    browser.cookies = signed_in_client(account)[0].cookies  # a signed-in page reads the session from the database
    assert browser.get("/").status_code == 200

    database_switch.cut()
    page = browser.get("/")
    assert page.status_code == 503
    assert page["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert page["Content-Type"].startswith("text/html")
    body = page.content.decode()
    assert "<html" in body and "Briefly unavailable" in body and str(SERVICE_UNAVAILABLE.message) in body
    assert settings.BRAND["support_phone"] in body

    api = browser.post(
        API_PATH_USING_THE_DATABASE, data="{}", content_type="application/json", HTTP_AUTHORIZATION="Bearer abcdef"
    )
    assert api.status_code == 503 and api["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert api["Content-Type"].startswith("application/json")
    error = json.loads(api.content)["error"]
    assert error == {"code": "service_unavailable", "message": str(SERVICE_UNAVAILABLE.message), "fields": {}}

    probe = Client(raise_request_exception=False)  # orchestrators and proxies send no session cookie
    ready = probe.get("/ready")
    assert ready.status_code == 503 and ready["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert ready.json()["status"] == "unavailable" and ready.json()["checks"]["database"] == "unavailable"
    assert probe.get("/health").status_code == 200, "liveness does not depend on the database"
    assert browser.get("/health").status_code == 200, "not even for a caller with a session cookie"

    database_switch.restore()  # the database is back; nothing is restarted or reconnected by hand
    page = browser.get("/")
    assert page.status_code == 200
    assert page.wsgi_request.user.pk == account.pk, "the session survived the outage"
    assert probe.get("/ready").status_code == 200


@pytest.fixture
def unreachable_redis(settings, closed_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    settings.RATE_LIMIT_BACKEND = "redis"
    redis_client.cache_clear()
    yield
    redis_client.cache_clear()


@pytest.mark.django_db
def test_redis_outage_never_lets_a_limited_step_through(unreachable_redis):
    with pytest.raises(redis.exceptions.ConnectionError) as raised:
        attempt_reserve(Limit("login", 5, 60), "X1234567L")
    assert is_outage(raised.value), "the request answers the 503 page, not a 500 or a pass"


@pytest.mark.django_db
def test_redis_outage_makes_the_app_not_ready(unreachable_redis, browser):
    ready = browser.get("/ready")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "checks": {"database": "ok", "redis": "unavailable"}}
    assert ready["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert browser.get("/health").status_code == 200


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: needs a real Redis to come back")
@pytest.mark.django_db
def test_redis_comes_back_without_a_restart(settings):
    """Redis behind a gate on a fixed address: stopped and started again, the same client finds it."""
    real = urlsplit(os.environ["REDIS_URL"])
    gate = TcpGate((real.hostname or "127.0.0.1", real.port or 6379))
    gate.open()
    try:
        settings.REDIS_URL = f"redis://127.0.0.1:{gate.port}{real.path}"
        settings.RATE_LIMIT_BACKEND = "redis"
        redis_client.cache_clear()
        probe, limit, subject = Client(raise_request_exception=False), Limit("recovery", 5, 60), uuid.uuid4().hex
        assert attempt_reserve(limit, subject).count == 1
        assert probe.get("/ready").status_code == 200

        gate.close()
        with pytest.raises(redis.exceptions.ConnectionError):
            attempt_reserve(limit, subject)
        assert probe.get("/ready").json()["checks"]["redis"] == "unavailable"

        gate.open()  # Redis is back on the same address; nothing is restarted or cleared
        assert attempt_reserve(limit, subject).count == 2
        assert probe.get("/ready").status_code == 200
        attempts_clear(limit, subject)
    finally:
        gate.close()
        redis_client.cache_clear()
