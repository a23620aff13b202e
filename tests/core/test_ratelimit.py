"""Atomic attempt counters (OPS-2): concurrent reservations never overshoot, on every backend."""

import os
import uuid

import pytest
from django.db import connection

from memberarea.core.models import RateCounter
from memberarea.core.ratelimit import (
    Limit,
    _window_key,
    attempt_count,
    attempt_release,
    attempt_reserve,
    attempts_clear,
    attempts_release,
    attempts_reserve_unless_locked,
    counters_prune,
    lock_active,
    lock_clear,
    lock_set,
)
from memberarea.core.redis_connection import redis_client
from tests.core.conftest import run_together

pytestmark = pytest.mark.req("OPS-2")

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: the Redis backend is tested in CI")
THREADS = 20


BACKENDS = [
    pytest.param("database", id="database"),
    pytest.param("redis", id="redis", marks=needs_redis),
]


def _subject() -> str:
    """A fresh subject per test, so runs sharing one Redis never count each other's attempts."""
    return f"subject-{uuid.uuid4().hex}"


def _race(limit: Limit, subject: str) -> list:
    return run_together(THREADS, lambda _: attempt_reserve(limit, subject))


def _assert_exactly_five_allowed(reservations, limit, subject) -> None:
    assert len(reservations) == THREADS
    assert sum(reservation.allowed for reservation in reservations) == 5
    assert sorted(reservation.count for reservation in reservations) == list(range(1, THREADS + 1))
    assert attempt_count(limit, subject) == THREADS


@pytest.mark.django_db(transaction=True)
def test_atomic_counter_database(settings, frozen_clock):
    """SQLite in the default run, PostgreSQL in the PostgreSQL run: an F() update of a counter row."""
    settings.RATE_LIMIT_BACKEND = "database"
    limit, subject = Limit("t", 5, 60), _subject()
    _assert_exactly_five_allowed(_race(limit, subject), limit, subject)
    assert RateCounter.objects.get().count == THREADS
    assert connection.vendor in {"sqlite", "postgresql"}


@needs_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_atomic_counter_redis(backend, frozen_clock):
    limit, subject = Limit("t", 5, 60), _subject()
    attempts_clear(limit, subject)
    try:
        _assert_exactly_five_allowed(_race(limit, subject), limit, subject)
        assert not RateCounter.objects.exists(), "the Redis backend keeps no counter rows"
        key, _ = _window_key(limit, subject)
        assert 0 < redis_client().ttl(key) <= 120, "Redis keys expire on their own"
    finally:
        attempts_clear(limit, subject)


@pytest.mark.django_db
@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_windows_roll_over_with_the_clock(backend, frozen_clock):
    frozen_clock.advance(seconds=-(int(frozen_clock.at.timestamp()) % 60))  # the start of a window
    limit, subject = Limit("roll", 3, 60), _subject()
    assert [attempt_reserve(limit, subject).allowed for _ in range(4)] == [True, True, True, False]
    frozen_clock.advance(seconds=59)
    assert not attempt_reserve(limit, subject).allowed, "still the same window"
    frozen_clock.advance(seconds=1)
    assert attempt_count(limit, subject) == 0
    fresh = attempt_reserve(limit, subject)
    assert fresh.allowed and fresh.count == 1
    attempts_clear(limit, subject)


@pytest.mark.django_db
@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_counters_are_per_subject_and_per_limit_and_can_be_cleared(backend, frozen_clock):
    one, other = _subject(), _subject()
    login, code = Limit("login", 2, 300), Limit("code", 2, 300)
    attempt_reserve(login, one)
    attempt_reserve(login, one)
    assert not attempt_reserve(login, one).allowed
    assert attempt_reserve(login, other).allowed
    assert attempt_reserve(code, one).allowed
    attempts_clear(login, one)
    assert attempt_count(login, one) == 0 and attempt_count(code, one) == 1
    attempts_clear(login, other)
    attempts_clear(code, one)


@pytest.mark.django_db
def test_counter_rows_hold_a_keyed_hash_and_expired_ones_are_pruned(settings, frozen_clock):
    settings.RATE_LIMIT_BACKEND = "database"
    subject = "X1234567L"
    attempt_reserve(Limit("login", 5, 60), subject)
    attempt_reserve(Limit("daily", 5, 86400), subject)
    assert all(subject not in key for key in RateCounter.objects.values_list("key", flat=True))
    frozen_clock.advance(seconds=120)
    assert counters_prune() == "1 expired counters deleted"
    assert RateCounter.objects.get().key.startswith(f"{settings.RATE_LIMIT_KEY_PREFIX}rl:daily:")


@pytest.mark.django_db
@pytest.mark.req("LOGIN-4")
@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_lock_lasts_its_seconds_from_when_it_was_set_and_can_be_cleared(backend, frozen_clock):
    subject = _subject()
    assert not lock_active("test", subject)
    assert lock_set("test", subject, 900) is True
    assert lock_set("test", subject, 900) is False  # already locked: its owner is told only once
    frozen_clock.advance(seconds=899)
    assert lock_active("test", subject)
    frozen_clock.advance(seconds=1)
    assert not lock_active("test", subject)
    assert lock_set("test", subject, 900) is True
    lock_clear("test", subject)
    assert not lock_active("test", subject)


@pytest.mark.django_db
@pytest.mark.req("PERF-1")
@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_reserving_unless_locked_counts_each_subject_or_nothing_while_locked(backend, frozen_clock):
    """The password step's combined call (decision 0043) behaves as the separate ones it replaced."""
    user, address = _subject(), _subject()
    counted = (Limit("u", 3, 300), user), (Limit("a", 5, 300), address)
    first = attempts_reserve_unless_locked(("lock-u", user), *counted)
    assert [(r.count, r.allowed) for r in first] == [(1, True), (1, True)]
    assert [r.count for r in attempts_reserve_unless_locked(("lock-u", user), *counted)] == [2, 2]
    attempts_release(*counted)
    assert [attempt_count(limit, subject) for limit, subject in counted] == [1, 1]
    lock_set("lock-u", user, 60)
    assert attempts_reserve_unless_locked(("lock-u", user), *counted) is None
    assert [attempt_count(limit, subject) for limit, subject in counted] == [1, 1], "nothing counted"
    frozen_clock.advance(seconds=60)
    assert [r.count for r in attempts_reserve_unless_locked(("lock-u", user), *counted)] == [2, 2]
    for limit, subject in counted:
        attempts_clear(limit, subject)
    lock_clear("lock-u", user)


@pytest.mark.django_db
@pytest.mark.req("PERF-1")
def test_a_give_back_in_a_new_window_leaves_it_at_zero(settings, frozen_clock):
    """A request that reserved just before a window's edge releases just after it: the new window's
    counter stays at zero (a counter row cannot hold less) and the next attempt counts one."""
    settings.RATE_LIMIT_BACKEND = "database"
    frozen_clock.advance(seconds=59 - int(frozen_clock.at.timestamp()) % 60)  # the window's last second
    limit, subject = Limit("edge", 3, 60), _subject()
    attempt_reserve(limit, subject)
    frozen_clock.advance(seconds=1)
    attempt_release(limit, subject)
    assert attempt_count(limit, subject) == 0
    assert attempt_reserve(limit, subject).count == 1
