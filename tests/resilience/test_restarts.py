"""REL-3 / OPS-2: PostgreSQL and Redis restarted under a running gunicorn.

While a service is down, pages answer a clean 503 with Retry-After; once it is back, the same
server processes answer 200 again without being restarted. Each service is restarted with the
machine's own start command in a `finally`, so later tests find it running. Marked `resilience`:
`make test` runs these serially after the PostgreSQL pass, since they stop shared services.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.resilience, pytest.mark.req("OPS-2")]

PG_VERSION = next(iter(sorted(os.listdir("/etc/postgresql"))), "15") if os.path.isdir("/etc/postgresql") else "15"
PG_START = ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", "start"]
PG_STOP = ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", "stop", "-m", "fast"]
REDIS_START = (
    "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no "
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)
DATABASE = "memberarea_resilience"


def _status(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def _wait_for(url: str, expected: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = _status(url)[0]
        except OSError:
            last = None
        if last == expected:
            return
        time.sleep(0.3)
    raise AssertionError(f"{url} answered {last}, not {expected}, within {seconds} s")


def _pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0


@pytest.fixture
def server(tmp_path, repo_root):
    """gunicorn with two workers on PostgreSQL + Redis, its own database and keys."""
    admin = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {DATABASE}"], check=True)
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEMO_MODE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="memberarea.settings.embedded",
        MEMBERAREA_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_CONNECT_TIMEOUT="2",
        PYTHONPATH=str(repo_root / "src"),
    )
    for name in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "AUDIT_KEY"):
        env.pop(name, None)
    subprocess.run([sys.executable, str(repo_root / "manage.py"), "migrate", "-v", "0"], env=env, check=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "memberarea.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--timeout", "30", "--graceful-timeout", "5"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/ready", 200)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)
        if _pg_ready():
            subprocess.run([*admin, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"], check=False)


def _post_batch(base: str) -> tuple[int, dict, bytes]:
    """An API call that must read the database (the integration client's token)."""
    request = urllib.request.Request(
        f"{base}/api/v1/enrollment/batches",
        data=b'{"batch_id": "b1", "records": []}',
        headers={"Authorization": "Bearer not-a-real-token", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_postgresql_restart_answers_503_then_recovers_without_restarting_the_app(server):
    assert _post_batch(server)[0] == 401
    try:
        subprocess.run(PG_STOP, check=True, capture_output=True)
        status, headers = _status(f"{server}/ready")
        assert status == 503 and headers.get("Retry-After")
        status, headers, body = _post_batch(server)
        assert status == 503 and headers.get("Retry-After")
        assert b'"code": "service_unavailable"' in body
    finally:
        subprocess.run(PG_START, check=True, capture_output=True)
    _wait_for(f"{server}/ready", 200)
    for _ in range(4):  # both workers, whichever answers: reconnected by themselves
        assert _post_batch(server)[0] == 401


def test_redis_stopped_makes_readiness_fail_and_it_recovers(server):
    try:
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], check=False, capture_output=True)
        status, headers = _status(f"{server}/ready")
        assert status == 503 and headers.get("Retry-After")
    finally:
        subprocess.run(REDIS_START, shell=True, check=True, capture_output=True)  # noqa: S602 - the machine's own command
    _wait_for(f"{server}/ready", 200)
