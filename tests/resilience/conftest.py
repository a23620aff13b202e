"""The drills' fixtures: private PostgreSQL and Redis for the session, a fresh demo site per test.

`RESILIENCE_SIZE=full` runs the quality bars' sizes (100 messages, 500 timing samples per side);
otherwise a reduced size that `make test` can afford (the summary says which).
"""

import shutil
import tempfile
from pathlib import Path

import pytest
import redis

from tests.notifications.conftest import SmtpServer

from .services import PrivatePostgres, PrivateRedis, free_port
from .site import Site, SmsGateway
from .summary import FULL, summary_lines

TEMPLATE_DATABASE = "resilience_template"


@pytest.fixture(scope="session")
def size() -> dict[str, int]:
    """Messages per delivery drill and timing samples per side (existing, unknown)."""
    return {"messages": 100, "samples": 500} if FULL else {"messages": 20, "samples": 60}


def _running(service, stop):
    """Start `service`, hand it to the fixture's user, stop it whatever happened."""
    service.start()
    try:
        yield service
    finally:
        stop()


@pytest.fixture(scope="session")
def private_postgres():
    cluster = PrivatePostgres()
    yield from _running(cluster, cluster.remove)


@pytest.fixture(scope="session")
def private_redis():
    redis_server = PrivateRedis()
    yield from _running(redis_server, redis_server.remove)


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.handler.release.set()  # nothing here stalls a delivery on purpose
    yield from _running(server, server.stop)


@pytest.fixture
def sms():
    gateway = SmsGateway()
    yield from _running(gateway, gateway.stop)


@pytest.fixture(scope="session")
def site_template(private_postgres, private_redis):
    """Migrated demo data, once: each test's database is a copy; the keys folder is shared."""
    folder = Path(tempfile.mkdtemp(prefix="resilience-site-"))
    url = private_postgres.create_database(TEMPLATE_DATABASE)
    Site(folder, url, private_redis.url, "outbox:", "outbox:").prepare()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def site(request, site_template, private_postgres, private_redis, smtp, sms, tmp_path):  # noqa: PLR0917
    """A fresh copy of the demo site, its processes stopped at the end (whatever the test did)."""
    name = f"resilience_{request.node.name[:40].lower()}"
    url = private_postgres.create_database(name, template=TEMPLATE_DATABASE)
    folder = tmp_path / "site"
    folder.mkdir(mode=0o700)
    shutil.copy(site_template / "local-keys.env", folder / "local-keys.env")
    redis.Redis.from_url(private_redis.url).flushall()
    deployment = Site(folder, url, private_redis.url, smtp.url, sms.url)
    try:
        yield deployment
    finally:
        deployment.stop_all()


def pytest_terminal_summary(terminalreporter) -> None:
    lines = summary_lines(full=FULL)
    if lines:
        terminalreporter.write_sep("=", "resilience drills")
        for line in lines:
            terminalreporter.write_line(line)
