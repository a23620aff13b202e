"""PERF-1: the password step (POST /api/v1/login → the second-step choice) vs pure argon2 verification.

Both at concurrency 2× cores, with the production hashing parameters (printed). The product runs
under gunicorn (gunicorn.conf.py: one worker per core, two threads each) on an embedded SQLite site
with the demo data; the load comes from threads in this process over HTTP keep-alive connections.
The baseline verifies the same kind of hash with argon2-cffi in threads (it releases the GIL). The
two are timed in alternating slices (`server.alternating`), so a shared machine's load falls on
both alike. Bar: ≥ 0.85.
The sign-in limits stay on: successful sign-ins give their reserved attempts back, so the load
generator's address is never throttled and nothing is raised.
"""

import contextlib
import http.client
import json
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from argon2 import PasswordHasher
from argon2.low_level import Type

from memberarea.settings.env import env_int

from .common import PASSWORD, SCALE_FULL, USERNAME, manage, site_env, table
from .server import CORES, alternating, comparison_rows, gunicorn, in_threads, services, where

CONCURRENCY = 2 * CORES


def _parameters() -> tuple[int, int, int]:
    return (
        env_int("PASSWORD_ARGON2_TIME_COST", 2),
        env_int("PASSWORD_ARGON2_MEMORY_KIB", 19 * 1024),
        env_int("PASSWORD_ARGON2_PARALLELISM", 1),
    )


def verifier(parameters: tuple[int, int, int]) -> Callable[[int], object]:
    """One pure argon2id verification per call, at `parameters` (argon2-cffi releases the GIL)."""
    time_cost, memory, parallelism = parameters
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory, parallelism=parallelism, type=Type.ID)
    encoded = hasher.hash(PASSWORD)
    return lambda _: hasher.verify(encoded, PASSWORD)


def api_post(connection: http.client.HTTPConnection, path: str, body: dict, headers: dict | None = None) -> dict:
    """POST JSON over a kept-alive connection; the JSON answer (2xx expected)."""
    connection.request(
        "POST", path, json.dumps(body), {"Content-Type": "application/json", "Host": "127.0.0.1", **(headers or {})}
    )
    response = connection.getresponse()
    answer = response.read()
    assert 200 <= response.status < 300, (path, response.status, answer[:200])
    return json.loads(answer) if answer else {}


@contextlib.contextmanager
def site() -> Iterator[Callable[[str, dict], Callable[[int], None]]]:
    """The demo site under gunicorn (with bench/urls.py's views), warmed up; yields a maker of calls:
    `poster(path, body)` is one POST of `body` to `path` per call."""
    with tempfile.TemporaryDirectory(prefix="bench-sign-in-") as name, services() as databases:
        env = site_env(Path(name), DEMO_MODE="1", **databases)
        manage(env, "migrate", "-v", "0")
        manage(env, "demo_load")
        with gunicorn({**env, "DJANGO_SETTINGS_MODULE": "bench.site_settings"}) as port:
            local = threading.local()

            def poster(path: str, body: dict) -> Callable[[int], None]:
                def post(_: int) -> None:
                    if not hasattr(local, "connection"):
                        local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    api_post(local.connection, path, body)

                in_threads(CONCURRENCY * 2, post, concurrency=CONCURRENCY)  # warm-up: every worker and thread
                return post

            yield poster


def main() -> str:
    count = 400 if SCALE_FULL else 120
    parameters = _parameters()
    credentials = {"username": USERNAME, "password": PASSWORD}
    verify = verifier(parameters)
    with site() as poster:
        comparison = alternating(count, verify, poster("/api/v1/login", credentials), concurrency=(CONCURRENCY,) * 2)
        floor = alternating(count, verify, poster("/bench/password-only/", credentials), concurrency=(CONCURRENCY,) * 2)
    ratio = comparison.product_rate / comparison.baseline_rate
    rows = comparison_rows(comparison, "argon2id verify, in threads", f"POST /api/v1/login under gunicorn ({where()})")
    rows += comparison_rows(floor, "", "floor: POST of a view that only checks the password")[1:]
    time_cost, memory, parallelism = parameters
    verdict = "meets" if ratio >= 0.85 else "MISSES"
    return (
        table(
            f"PERF-1 password step, concurrency {CONCURRENCY}, argon2id t={time_cost} m={memory} KiB p={parallelism}",
            ("path", "rate", "CPU per call"),
            rows,
        )
        + f"\nratio {ratio:.2f} (bar ≥ 0.85) → {verdict} the bar; {comparison.product_rate / CORES:.1f} sign-ins/s"
        " per core (Keycloak publishes 15 per vCPU with its lighter argon2 default, t=5 m=7 MiB)"
        f"\nthe stack's floor: the view that only checks the password reaches"
        f" {floor.product_rate / floor.baseline_rate:.2f} of the baseline timed beside it ({floor.baseline_rate:.1f}/s)"
    )


if __name__ == "__main__":
    print(main())
