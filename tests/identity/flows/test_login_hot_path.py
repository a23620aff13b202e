"""The password step's hot path (PERF-1, decision 0043): its database statements and Redis round
trips stay at their lower number, and the limits it serves still count, lock and give back."""

import json
import os

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from memberarea.core.ratelimit import attempt_count, lock_set
from memberarea.identity.flows import login
from tests.identity.registering import HOLDER_NIF, PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.req("PERF-1")]

ADDRESS = "127.0.0.1"  # the test client's
REDIS_URL = os.environ.get("REDIS_URL", "")
BACKENDS = [
    pytest.param("database", id="database"),
    pytest.param(
        "redis", id="redis", marks=pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: tested in CI")
    ),
]


@pytest.fixture
def redis_round_trips(monkeypatch) -> list[int]:
    """Counts the requests sent to the real Redis server (a pipeline or a script is one)."""
    sent: list[int] = []
    original = redis.connection.Connection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(1)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counted)
    return sent


def password_step(password: str = PASSWORD):
    body = json.dumps({"username": HOLDER_NIF, "password": password})
    return Client().post("/api/v1/login", body, content_type="application/json")


def failures() -> tuple[int, int]:
    """The failures counted for the member's username (new devices) and for the test client's address."""
    limits = login._limits()
    user = attempt_count(limits["user"], login.username_index(HOLDER_NIF))
    return user, attempt_count(limits["address"], ADDRESS)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_the_password_step_is_eight_statements_on_the_database_backend(backend, member_account):
    """Lock check, two reservations, the account, two give-backs, the contacts, the flow: each
    counter update is one upsert (it was a transaction of four statements: 20 in all before)."""
    password_step()  # warm: the first request of a process reads what later ones find cached
    with CaptureQueriesContext(connection) as queries:
        assert password_step().status_code == 201
    statements = [query["sql"] for query in queries.captured_queries]
    if backend == "database":
        assert len(statements) == 8, statements
    else:
        assert len(statements) == 3, statements  # the account, the contacts, the flow


@pytest.mark.parametrize("backend", [BACKENDS[1]], indirect=True)
def test_the_password_step_makes_two_redis_round_trips(backend, member_account, redis_round_trips):
    """One script for the lock check and both reservations, one pipeline for both give-backs (it was
    five round trips)."""
    password_step()
    redis_round_trips.clear()
    assert password_step().status_code == 201
    assert len(redis_round_trips) == 2


@pytest.mark.req("LOGIN-4")
@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_failures_still_count_a_success_gives_its_reservations_back_and_a_lock_counts_nothing(
    backend, member_account, settings
):
    assert password_step("Wrong1Password").status_code == 400
    assert password_step("Wrong2Password").status_code == 400
    assert failures() == (2, 2), "failed passwords stay counted, per username and per address"
    assert password_step().status_code == 201
    assert failures() == (2, 2), "the successful attempt gave both reservations back"

    lock_set("login", login.username_index(HOLDER_NIF), settings.LOGIN_LOCK_SECONDS)
    assert password_step().status_code == 400, "locked: the right password is not even checked"
    assert failures() == (2, 2), "a locked attempt reserves nothing"
