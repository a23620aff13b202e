"""Never lost, never twice (NOTIF-2, REL-3): outages, concurrent workers and a worker killed mid-send.

These tests use the real worker (in burst mode in-process, or `manage.py worker` as a subprocess)
and a file-based test database shared with the subprocesses.
"""

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from memberarea.notifications.delivery import message_deliver
from memberarea.notifications.models import Message, State
from memberarea.notifications.services import message_enqueue

pytestmark = [pytest.mark.req("NOTIF-2")]


def _enqueue(count: int) -> list[Message]:
    with transaction.atomic():
        return [
            message_enqueue(
                channel="email",
                to=f"member{n}@example.test",
                template="test_message",
                language="es" if n % 2 else "en",
                context={},
                contains_secret=True,
            )
            for n in range(count)
        ]


def _burst() -> None:
    call_command("worker", "--burst", stdout=io.StringIO())


def test_smtp_down_while_100_messages_queue_then_back_delivers_each_exactly_once(
    transactional_db, smtp_server, frozen_clock
):
    smtp_server.stop()
    messages = _enqueue(100)

    _burst()  # every task tries once and meets a closed port
    frozen_clock.advance(hours=1)
    _burst()  # the sweep re-dispatches the due retries; still down
    counts = Counter(Message.objects.values_list("state", "attempts"))
    assert counts == {(State.PENDING, 2): 100}
    assert set(Message.objects.values_list("last_error_code", flat=True)) == {"smtp_refused"}

    smtp_server.start()
    frozen_clock.advance(hours=1)
    _burst()
    frozen_clock.advance(days=1)
    _burst()  # nothing left to send: no second copy of anything

    references = smtp_server.handler.references()
    assert len(references) == 100
    assert set(references) == {m.reference for m in messages}
    assert Counter(Message.objects.values_list("state", flat=True)) == {State.SENT: 100}
    assert not Message.objects.filter(body_text__isnull=False).exists()  # the codes are purged


def test_twenty_concurrent_deliveries_of_one_message_send_it_once(transactional_db, smtp_server):
    [message] = _enqueue(1)
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def deliver() -> None:
        try:
            start.wait()
            outcomes.append(message_deliver(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["sent"] + ["skipped"] * 19
    assert smtp_server.handler.references() == [message.reference]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 1)


def _database_url() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user = database.get("USER") or "postgres"
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{database['NAME']}"


def _worker(repo_root, smtp_url: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="memberarea.settings.test",
        DATABASE_URL=_database_url(),
        EMAIL_URL=smtp_url,
        NOTIFICATION_LEASE_SECONDS="3",
        NOTIFICATION_SWEEP_SECONDS="1",
        WORKER_SWEEP_SECONDS="1",
    )
    return subprocess.Popen(
        [sys.executable, str(repo_root / "manage.py"), "worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_delivery_leaves_the_message_to_another_worker(transactional_db, smtp_server, repo_root):
    smtp_server.handler.stall_first = True
    [message] = _enqueue(1)
    first = _worker(repo_root, smtp_server.url)
    second = None
    try:
        assert smtp_server.handler.stalled.wait(30), "the first worker never reached DATA"
        message.refresh_from_db()
        assert (message.state, message.attempts) == (State.SENDING, 1)

        first.send_signal(signal.SIGKILL)  # inside the send, before the server's answer
        first.wait(10)
        smtp_server.handler.release.set()

        second = _worker(repo_root, smtp_server.url)
        sent = _wait_for(lambda: Message.objects.filter(pk=message.pk, state=State.SENT).exists(), timeout=30)
        assert sent, "the second worker did not take over after the lease"
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)

    message.refresh_from_db()
    assert message.attempts == 2
    assert smtp_server.handler.references() == [message.reference]
