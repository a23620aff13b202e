"""Atomic attempt counters for rate limits and lock-outs.

An attempt is *reserved* before the work it guards (a hash check, a code check): the counter is
incremented atomically and the decision is taken from the value the increment returned, so fifty
parallel guesses cannot all pass a "fewer than five" test. Subjects are stored as keyed hashes.

Backends: Redis INCR when REDIS_URL is set (shared by every app server), otherwise a database row
incremented by one upsert statement. If Redis is unreachable the error propagates (the request
answers 503): a limit never silently switches off.

The password step checks a lock and reserves two counters on every request, and gives both back on
success: `attempts_reserve_unless_locked` and `attempts_release` do each in one Redis round trip
(PERF-1, decision 0043).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from . import clock
from .crypto import blind_index
from .models import RateCounter
from .redis_connection import redis_client


@dataclass(frozen=True)
class Limit:
    name: str
    max_attempts: int
    window_seconds: int


@dataclass(frozen=True)
class Reservation:
    count: int
    limit: Limit

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit.max_attempts


def _window_key(limit: Limit, subject: str) -> tuple[str, dt.datetime]:
    epoch = int(clock.now().timestamp())
    window = epoch // limit.window_seconds
    ends = dt.datetime.fromtimestamp((window + 1) * limit.window_seconds, dt.UTC)
    prefix = settings.RATE_LIMIT_KEY_PREFIX
    return f"{prefix}rl:{limit.name}:{blind_index('rate-limit', subject)}:{window}", ends


def _redis_add(key: str, delta: int, ttl: int) -> int:
    pipe = redis_client().pipeline(transaction=True)
    pipe.incrby(key, delta)
    pipe.expire(key, ttl, nx=True)
    count, _ = pipe.execute()
    return int(count)


# Quoted names, understood alike by SQLite (≥ 3.35 for RETURNING) and PostgreSQL.
_DATABASE_ADD = (
    'INSERT INTO "core_ratecounter" ("key", "count", "expires_at") VALUES (%s, %s, %s) '
    'ON CONFLICT ("key") DO UPDATE SET "count" = CASE WHEN "core_ratecounter"."count" + %s < 0 THEN 0 '
    'ELSE "core_ratecounter"."count" + %s END RETURNING "count"'
)


def _database_add(key: str, delta: int, expires_at: dt.datetime) -> int:
    """One statement, atomic on SQLite and PostgreSQL: create the window's row or add to it, and read
    the count it now holds. A give-back never takes a count below zero (a release that lands in the
    next window finds nothing of its own there)."""
    with connection.cursor() as cursor:
        expires = connection.ops.adapt_datetimefield_value(expires_at)
        cursor.execute(_DATABASE_ADD, [key, max(delta, 0), expires, delta, delta])
        return cursor.fetchone()[0]


def _add(limit: Limit, subject: str, delta: int) -> int:
    key, ends = _window_key(limit, subject)
    if settings.RATE_LIMIT_BACKEND == "redis":
        return _redis_add(key, delta, _ttl(limit))
    return _database_add(key, delta, ends)


def _ttl(limit: Limit) -> int:
    return limit.window_seconds * 2


def attempt_reserve(limit: Limit, subject: str) -> Reservation:
    """Count one attempt now and say whether it is within the limit."""
    return Reservation(count=_add(limit, subject, 1), limit=limit)


def attempt_count(limit: Limit, subject: str) -> int:
    """The attempts counted so far in the current window, without counting one."""
    return _add(limit, subject, 0)


def attempt_release(limit: Limit, subject: str) -> None:
    """Give back a reserved attempt whose work succeeded: limits that count failures stay exact."""
    _add(limit, subject, -1)


# The lock check and the reservations in one script: nothing is counted while the lock holds, as when
# they were separate calls. KEYS: the lock, then the counters; ARGV: now, then each counter's TTL.
_RESERVE_UNLESS_LOCKED = """
local locked_until = redis.call('GET', KEYS[1])
if locked_until and tonumber(locked_until) > tonumber(ARGV[1]) then
    return false
end
local counts = {}
for i = 2, #KEYS do
    counts[i - 1] = redis.call('INCRBY', KEYS[i], 1)
    redis.call('EXPIRE', KEYS[i], ARGV[i], 'NX')
end
return counts
"""


def attempts_reserve_unless_locked(lock: tuple[str, str], *counted: tuple[Limit, str]) -> list[Reservation] | None:
    """`lock_active(*lock)`, then `attempt_reserve` for each (limit, subject) unless it is: None when
    locked (nothing counted). One Redis round trip instead of one per step."""
    if settings.RATE_LIMIT_BACKEND != "redis":
        if lock_active(*lock):
            return None
        return [attempt_reserve(limit, subject) for limit, subject in counted]
    keys = [_window_key(limit, subject)[0] for limit, subject in counted]
    script = redis_client().register_script(_RESERVE_UNLESS_LOCKED)
    counts = script(keys=[_lock_key(*lock), *keys], args=[clock.now().timestamp(), *(_ttl(lim) for lim, _ in counted)])
    if counts is None:
        return None
    return [Reservation(count=int(count), limit=limit) for count, (limit, _) in zip(counts, counted, strict=True)]


def attempts_release(*counted: tuple[Limit, str]) -> None:
    """`attempt_release` for each (limit, subject); on Redis in one pipeline."""
    if settings.RATE_LIMIT_BACKEND != "redis":
        for limit, subject in counted:
            attempt_release(limit, subject)
        return
    pipe = redis_client().pipeline(transaction=True)
    for limit, subject in counted:
        key, _ = _window_key(limit, subject)
        pipe.incrby(key, -1)
        pipe.expire(key, _ttl(limit), nx=True)
    pipe.execute()


def attempts_clear(limit: Limit, subject: str) -> None:
    key, _ = _window_key(limit, subject)
    if settings.RATE_LIMIT_BACKEND == "redis":
        redis_client().delete(key)
    else:
        RateCounter.objects.filter(key=key).delete()


def _lock_key(name: str, subject: str) -> str:
    return f"{settings.RATE_LIMIT_KEY_PREFIX}lock:{name}:{blind_index('rate-limit', subject)}"


def lock_set(name: str, subject: str, seconds: int) -> bool:
    """Lock `subject` for `seconds` from now (not to a window's edge); True if it was not locked already.

    The expiry is stored as a value and compared with the injected clock, so locks behave the same
    on Redis and in the database, and in tests that move the clock.
    """
    key = _lock_key(name, subject)
    until = clock.now() + dt.timedelta(seconds=seconds)
    if settings.RATE_LIMIT_BACKEND == "redis":
        was = redis_client().set(key, until.timestamp(), ex=seconds + 60, get=True)
        return was is None or float(was) <= clock.now().timestamp()
    with transaction.atomic():
        if RateCounter.objects.filter(key=key, expires_at__gt=clock.now()).update(expires_at=until):
            return False
        RateCounter.objects.update_or_create(key=key, defaults={"count": 1, "expires_at": until})
        return True


# The lock check of every password step on the database backend, written out: the ORM's `.exists()`
# compiled the same query each time for more CPU than running it (PERF-1).
_DATABASE_LOCKED = 'SELECT 1 FROM "core_ratecounter" WHERE "key" = %s AND "expires_at" > %s LIMIT 1'


def lock_active(name: str, subject: str) -> bool:
    key = _lock_key(name, subject)
    if settings.RATE_LIMIT_BACKEND == "redis":
        value = redis_client().get(key)
        return value is not None and float(value) > clock.now().timestamp()
    with connection.cursor() as cursor:
        cursor.execute(_DATABASE_LOCKED, [key, connection.ops.adapt_datetimefield_value(clock.now())])
        return cursor.fetchone() is not None


def lock_clear(name: str, subject: str) -> None:
    key = _lock_key(name, subject)
    if settings.RATE_LIMIT_BACKEND == "redis":
        redis_client().delete(key)
    else:
        RateCounter.objects.filter(key=key).delete()


def counters_prune() -> str:
    deleted, _ = RateCounter.objects.filter(expires_at__lt=clock.now()).delete()
    return f"{deleted} expired counters deleted"
