"""PERF-1: the password step (POST /api/v1/login → the second-step choice) vs pure argon2 verification.

Both at concurrency 2× cores, with the production hashing parameters (printed). The product runs
under gunicorn (one worker per core, two threads each) on an embedded SQLite site with the demo
data; the load comes from threads in this process over HTTP keep-alive connections. The baseline
verifies the same kind of hash with argon2-cffi in threads (it releases the GIL). Bar: ≥ 0.85.
The sign-in limits stay on: successful sign-ins give their reserved attempts back, so the load
generator's address is never throttled and nothing is raised.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.low_level import Type

from memberarea.settings.env import env_int

from .common import ROOT, SCALE_FULL, manage, site_env, table

CORES = os.cpu_count() or 2
CONCURRENCY = 2 * CORES
USERNAME, PASSWORD = "60112233P", "Demo2026member"  # the demo's Carmen


def _parameters() -> tuple[int, int, int]:
    return (
        env_int("PASSWORD_ARGON2_TIME_COST", 2),
        env_int("PASSWORD_ARGON2_MEMORY_KIB", 19 * 1024),
        env_int("PASSWORD_ARGON2_PARALLELISM", 1),
    )


def _in_threads(count: int, work) -> float:
    """Run `work(index)` `count` times over CONCURRENCY threads; the wall time."""
    next_index = iter(range(count))
    lock = threading.Lock()

    def loop() -> None:
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            work(index)

    threads = [threading.Thread(target=loop) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def baseline(count: int, parameters: tuple[int, int, int]) -> float:
    time_cost, memory, parallelism = parameters
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory, parallelism=parallelism, type=Type.ID)
    encoded = hasher.hash(PASSWORD)
    return count / _in_threads(count, lambda _: hasher.verify(encoded, PASSWORD))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _services() -> dict[str, str]:
    """PostgreSQL and Redis for the site when BENCH_SERVICES=1 (a fresh database, dropped afterwards)."""
    if os.environ.get("BENCH_SERVICES") != "1":
        return {}
    database = f"bench_sign_in_{os.getpid()}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    return {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "RATE_LIMIT_KEY_PREFIX": f"{database}:",
    }


def _services_drop(services: dict[str, str]) -> None:
    if services:
        database = services["DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=False)


def product(count: int) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-sign-in-") as name:
        services = _services()
        env = site_env(Path(name), DEMO_MODE="1", **services)
        manage(env, "migrate", "-v", "0")
        manage(env, "demo_load")
        port = _free_port()
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "memberarea.wsgi", "-w", str(CORES), "--threads", "2",
             "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT / "src")],
            env={**env, "PYTHONPATH": str(ROOT / "src")}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for(port)
            local = threading.local()
            body = json.dumps({"username": USERNAME, "password": PASSWORD})

            def sign_in(_: int) -> None:
                if not hasattr(local, "connection"):
                    local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                local.connection.request(
                    "POST", "/api/v1/login", body, {"Content-Type": "application/json", "Host": "127.0.0.1"}
                )
                response = local.connection.getresponse()
                response.read()
                assert response.status == 201, response.status

            _in_threads(CONCURRENCY * 2, sign_in)  # warm-up: every worker and thread has started
            return count / _in_threads(count, sign_in)
        finally:
            server.terminate()
            server.wait(timeout=30)
            _services_drop(services)


def _wait_for(port: int) -> None:
    for _ in range(200):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/health")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def main() -> str:
    count = 400 if SCALE_FULL else 120
    parameters = _parameters()
    pure = baseline(count, parameters)
    served = product(count)
    ratio = served / pure
    where = "PostgreSQL + Redis" if os.environ.get("BENCH_SERVICES") == "1" else "SQLite"
    rows = [
        ("argon2id verify, in threads", f"{pure:.1f}/s"),
        (f"POST /api/v1/login under gunicorn ({where})", f"{served:.1f}/s"),
    ]
    time_cost, memory, parallelism = parameters
    verdict = "meets" if ratio >= 0.85 else "MISSES"
    return (
        table(
            f"PERF-1 password step, concurrency {CONCURRENCY}, argon2id t={time_cost} m={memory} KiB p={parallelism}",
            ("path", "rate"),
            rows,
        )
        + f"\nratio {ratio:.2f} (bar ≥ 0.85) → {verdict} the bar; {served / CORES:.1f} sign-ins/s per core"
        " (Keycloak publishes 15 per vCPU with its lighter argon2 default, t=5 m=7 MiB)"
    )


if __name__ == "__main__":
    print(main())
