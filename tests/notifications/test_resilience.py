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
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from memberarea.core.models import AuditHead
from memberarea.identity.flows.recovery import recovery_link_send
from memberarea.identity.usernames import username_index
from memberarea.notifications.delivery import message_deliver
from memberarea.notifications.models import Message, State
from memberarea.notifications.services import message_enqueue
from tests.identity.registering import HOLDER_NIF

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


def _worker(repo_root, smtp_url: str, **settings: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "memberarea.settings.test",
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": smtp_url,
        "NOTIFICATION_LEASE_SECONDS": "3",
        "NOTIFICATION_SWEEP_SECONDS": "1",
        "WORKER_SWEEP_SECONDS": "1",
        **settings,
    }
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


def _stop(*processes: subprocess.Popen | None) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def test_a_worker_killed_mid_delivery_leaves_the_message_to_another_worker(transactional_db, smtp_server, repo_root):
    smtp_server.handler.stall_at = 1
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
        _stop(first, second)

    message.refresh_from_db()
    assert message.attempts == 2
    assert smtp_server.handler.references() == [message.reference]


@pytest.mark.req("PERF-7")
def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing_and_resends_only_with_the_same_reference(
    transactional_db, smtp_server, repo_root
):
    """30 messages in one task: its own message, then the others drained 10 at a time. The worker
    dies while the server holds the 15th: the task's message and the first batch are recorded sent,
    the second batch was in flight (3 of its copies reached the server, none is recorded), the rest
    never started. Another worker sends every message that is not recorded sent."""
    smtp_server.handler.stall_at = 15
    messages = _enqueue(30)  # one transaction: one task, which drains the channel
    batch = {"NOTIFICATION_BATCH_SIZE": "10"}
    first = _worker(repo_root, smtp_server.url, **batch)
    second = None
    try:
        assert smtp_server.handler.stalled.wait(30), "the first worker never reached the 15th message"
        states = Counter(Message.objects.values_list("state", flat=True))
        assert states == {State.SENT: 11, State.SENDING: 10, State.PENDING: 9}

        first.send_signal(signal.SIGKILL)  # in the middle of the second batch
        first.wait(10)
        smtp_server.handler.release.set()

        second = _worker(repo_root, smtp_server.url, **batch)
        done = _wait_for(lambda: Message.objects.filter(state=State.SENT).count() == 30, timeout=60)
        assert done, "the second worker did not deliver what the first left"
    finally:
        _stop(first, second)

    copies = Counter(smtp_server.handler.references())
    assert set(copies) == {m.reference for m in messages}  # none lost
    resent = {reference for reference, count in copies.items() if count > 1}
    assert len(resent) == 3 and max(copies.values()) == 2  # the in-flight batch's accepted copies, once more
    in_flight = set(Message.objects.filter(attempts=2).values_list("reference", flat=True))
    assert resent < in_flight and len(in_flight) == 10  # the duplicates carry the same reference


# --- a slow SMTP server: the lease outlives the attempt (decision 0029) ---------------------------
def test_a_send_slower_than_the_lease_is_not_taken_over_and_sent_again(transactional_db, smtp_server, settings):
    """The lease is renewed while the send runs: another worker that tries the message after the
    first lease would have run out (as the sweep's re-dispatch does) finds it taken."""
    settings.NOTIFICATION_LEASE_SECONDS = 1
    smtp_server.handler.data_delay = 2.5
    [message] = _enqueue(1)
    first: list[str] = []

    def deliver() -> None:
        try:
            first.append(message_deliver(message.pk))
        finally:
            connection.close()

    sending = threading.Thread(target=deliver)
    sending.start()
    assert smtp_server.handler.in_data.wait(10), "the first attempt never reached DATA"
    time.sleep(1.5)  # past the lease taken at the claim
    second = message_deliver(message.pk)
    sending.join(30)

    assert (first, second) == (["sent"], "skipped")
    assert smtp_server.handler.references() == [message.reference]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 1)


def slow_server_copies(repo_root, smtp_server, *, messages: int, delay: float, lease: int) -> tuple[int, int]:
    """Two real workers deliver `messages`, queued one every `delay` seconds (a steady trickle, so one
    worker is often idle), through an SMTP server that answers DATA after `delay` seconds, with a
    delivery lease of `lease` seconds; returns (messages, copies the server received)."""
    smtp_server.handler.data_delay = delay
    env = {"NOTIFICATION_LEASE_SECONDS": str(lease), "NOTIFICATION_REDISPATCH_SECONDS": "1"}
    workers = [_worker(repo_root, smtp_server.url, **env) for _ in range(2)]
    try:
        queued = []
        for _ in range(messages):
            queued += _enqueue(1)
            time.sleep(delay)
        done = _wait_for(lambda: Message.objects.filter(state=State.SENT).count() == messages, timeout=60)
        time.sleep(lease + 2)  # a take-over still under way lands now
    finally:
        _stop(*workers)
    assert done, "the messages were not all sent"
    received = smtp_server.handler.references()
    assert set(received) == {m.reference for m in queued}
    return messages, len(received)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="two workers need PostgreSQL (one on SQLite)")
def test_two_workers_and_a_server_slower_than_the_lease_send_each_message_once(
    transactional_db, smtp_server, repo_root
):
    sent, copies = slow_server_copies(repo_root, smtp_server, messages=5, delay=3, lease=2)
    assert copies == sent


# --- a worker killed inside the task that queues a recovery email (decision 0029) ----------------
def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE NOT l.granted AND a.datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.req("REL-3")
@pytest.mark.req("REC-2")
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the task is held mid-transaction by a row lock")
def test_a_worker_killed_inside_the_recovery_task_leaves_it_to_the_next_worker_and_the_email_arrives_once(
    transactional_db, smtp_server, repo_root, member_account
):
    job = recovery_link_send.enqueue(username_index(HOLDER_NIF), "es")
    lease = {"TASK_LEASE_SECONDS": "2"}
    first = second = None
    try:
        with transaction.atomic():
            # The task writes its link and its email, then waits here for its audit entry.
            AuditHead.objects.select_for_update().get(pk=1)
            first = _worker(repo_root, smtp_server.url, **lease)
            assert _wait_for(_waiting_on_a_lock, timeout=30), "the worker never reached the task's audit entry"
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        assert DBTaskResult.objects.get(pk=job.id).status == TaskResultStatus.RUNNING  # the defect's state
        assert not Message.objects.filter(template="password_reset").exists()  # its transaction is gone

        second = _worker(repo_root, smtp_server.url, **lease)
        assert _wait_for(
            lambda: Message.objects.filter(template="password_reset", state=State.SENT).exists(), timeout=60
        ), "the recovery email was never sent"
        time.sleep(4)  # two more leases: a second run or a second send would land now
    finally:
        _stop(first, second)

    [sent] = Message.objects.filter(template="password_reset")
    assert smtp_server.handler.references().count(sent.reference) == 1
    row = DBTaskResult.objects.get(pk=job.id)
    assert (row.status, len(row.worker_ids)) == (TaskResultStatus.SUCCESSFUL, 2)
