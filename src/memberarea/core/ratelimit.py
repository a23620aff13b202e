"""Atomic attempt counters for rate limits and lock-outs.

An attempt is *reserved* before the work it guards (a hash check, a code check): the counter is
incremented atomically and the decision is taken from the value the increment returned, so fifty
parallel guesses cannot all pass a "fewer than five" test. Subjects are stored as keyed hashes.

Backends: Redis INCR when REDIS_URL is set (shared by every app server), otherwise a database row
updated with an F() expression. If Redis is unreachable the error propagates (the request answers
503): a limit never silently switches off.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

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


def _database_add(key: str, delta: int, expires_at: dt.datetime) -> int:
    with transaction.atomic():
        if not RateCounter.objects.filter(key=key).update(count=F("count") + delta):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, count=delta, expires_at=expires_at)
                    return delta
            except IntegrityError:  # another process created it first: increment theirs
                RateCounter.objects.filter(key=key).update(count=F("count") + delta)
        # The row is locked by our update until commit, so this read is exactly our increment.
        return RateCounter.objects.filter(key=key).values_list("count", flat=True).get()


def _add(limit: Limit, subject: str, delta: int) -> int:
    key, ends = _window_key(limit, subject)
    if settings.RATE_LIMIT_BACKEND == "redis":
        return _redis_add(key, delta, limit.window_seconds * 2)
    return _database_add(key, delta, ends)


def attempt_reserve(limit: Limit, subject: str) -> Reservation:
    """Count one attempt now and say whether it is within the limit."""
    return Reservation(count=_add(limit, subject, 1), limit=limit)


def attempt_count(limit: Limit, subject: str) -> int:
    """The attempts counted so far in the current window, without counting one."""
    return _add(limit, subject, 0)


def attempt_release(limit: Limit, subject: str) -> None:
    """Give back a reserved attempt whose work succeeded: limits that count failures stay exact."""
    _add(limit, subject, -1)


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


def lock_active(name: str, subject: str) -> bool:
    key = _lock_key(name, subject)
    if settings.RATE_LIMIT_BACKEND == "redis":
        value = redis_client().get(key)
        return value is not None and float(value) > clock.now().timestamp()
    return RateCounter.objects.filter(key=key, expires_at__gt=clock.now()).exists()


def lock_clear(name: str, subject: str) -> None:
    key = _lock_key(name, subject)
    if settings.RATE_LIMIT_BACKEND == "redis":
        redis_client().delete(key)
    else:
        RateCounter.objects.filter(key=key).delete()


def counters_prune() -> str:
    deleted, _ = RateCounter.objects.filter(expires_at__lt=clock.now()).delete()
    return f"{deleted} expired counters deleted"
