"""REL-3 / OPS-2: PostgreSQL restarted and Redis stopped under a running gunicorn, with load.

While a service is down, requests answer a clean 503 with Retry-After (never a 500); once it is
back, the same server processes answer as before without being restarted. The services are the
drills' private instances (tests/resilience/services.py), each started again in a `finally` with
its own start command; the machine's shared PostgreSQL and Redis are never touched.
"""

import threading
import time
from collections import Counter

import pytest

from .site import DEMO_PASSWORD, DEMO_USERNAME, http, wait_until
from .summary import Row, record

pytestmark = [pytest.mark.resilience, pytest.mark.req("OPS-2"), pytest.mark.req("REL-3")]

BATCH = {"batch_id": "b1", "records": []}
NOT_A_TOKEN = {"Authorization": "Bearer not-a-real-token"}


def _post_batch(base: str):
    """An API call that must read the database (the integration client's token): 401 when up."""
    return http(base + "/api/v1/enrollment/batches", BATCH, headers=NOT_A_TOKEN)


class Load:
    """Requests in a loop from a thread; counts the answers and checks every 503's shape."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.statuses: Counter[int] = Counter()
        self.bad_outage_answers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                status, headers, body = _post_batch(self.base)
            except OSError:
                status, headers, body = 0, {}, None
            self.statuses[status] += 1
            if status == 503 and not (headers.get("Retry-After") and body["error"]["code"] == "service_unavailable"):
                self.bad_outage_answers += 1
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(30)

    @property
    def server_errors(self) -> str:
        errors = {status: count for status, count in self.statuses.items() if status >= 500}
        return ", ".join(f"{count}×{status}" for status, count in sorted(errors.items())) or "0"


def test_postgresql_restart_under_load_answers_503_then_recovers_without_restarting_the_app(site, private_postgres):
    base = site.app_server(workers=2)
    assert _post_batch(base)[0] == 401
    with Load(base) as load:
        time.sleep(0.5)
        try:
            private_postgres.stop()
            status, headers, _ = http(base + "/ready")
            assert status == 503 and headers.get("Retry-After")
            status, headers, body = _post_batch(base)
            assert (status, body["error"]["code"]) == (503, "service_unavailable") and headers.get("Retry-After")
            time.sleep(2)  # the load keeps coming while the database is down
        finally:
            private_postgres.start()
        wait_until(lambda: http(base + "/ready")[0] == 200, 30, "the app did not reconnect")
        time.sleep(1)
    for _ in range(4):  # both workers, whichever answers: reconnected by themselves
        assert _post_batch(base)[0] == 401
    record(Row("PostgreSQL restarted under load", server_errors=load.server_errors))
    assert set(load.statuses) <= {401, 503}, load.statuses  # no 500, no dropped connection
    assert load.statuses[503] and load.bad_outage_answers == 0


def test_redis_stopped_answers_503_for_rate_limited_steps_and_recovers(site, private_redis):
    """Rate limits live in Redis and must not silently switch off: without it, the sign-in answers 503
    (decision 0005); pages that need no counter still answer."""
    base = site.app_server(workers=2)
    sign_in = {"username": DEMO_USERNAME, "password": DEMO_PASSWORD}
    assert http(base + "/api/v1/login", sign_in)[0] == 201
    try:
        private_redis.stop()
        status, headers, _ = http(base + "/ready")
        assert status == 503 and headers.get("Retry-After")
        status, headers, body = http(base + "/api/v1/login", sign_in)
        assert (status, body["error"]["code"]) == (503, "service_unavailable") and headers.get("Retry-After")
        assert http(base + "/health")[0] == 200  # the process itself is alive
    finally:
        private_redis.start()
    wait_until(lambda: http(base + "/ready")[0] == 200, 30, "the app did not reconnect to Redis")
    assert http(base + "/api/v1/login", sign_in)[0] == 201
    record(Row("Redis stopped: sign-in 503, then back", server_errors="503 during the outage, no 500"))
