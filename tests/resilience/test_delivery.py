"""REL-3: no message lost when the SMTP server, the SMS gateway or the worker dies during a batch.

Real `manage.py worker` processes on the private PostgreSQL deliver a batch to servers in this
process; each drill interrupts the delivery half-way, brings things back, and counts by reference:
every queued message received, none lost. A copy received twice is a documented duplicate only when
it is the same reference (docs/notifications.md: the provider received it but the worker never saw
the answer, and the re-send carries the same Message-ID / Idempotency-Key).
"""

import time
from collections import Counter

import psycopg
import pytest
from django.conf import settings
from django_tasks_db.compat import TaskResultStatus

from .site import DEMO_USERNAME, captcha, http, kill, wait_until
from .summary import Row, record

pytestmark = [pytest.mark.resilience, pytest.mark.req("REL-3"), pytest.mark.req("NOTIF-2")]


def _settle(site, references: list[str], seconds: float = 90) -> None:
    wait_until(
        lambda: set(site.message_states(references).values()) == {"sent"},
        seconds,
        "not every message of the batch was sent",
    )
    time.sleep(4)  # past a delivery lease: a take-over still under way would land now


def _count(scenario: str, references: list[str], received: list[str]) -> Row:
    copies = Counter(received)
    row = Row(
        scenario=scenario,
        queued=len(references),
        delivered=len(set(references) & set(copies)),
        lost=len(set(references) - set(copies)),
        duplicated=sum(n - 1 for n in copies.values()),
        server_errors=0,
    )
    record(row)
    assert set(copies) <= set(references), "a message nobody queued arrived"
    assert row.lost == 0
    return row


def _half_way(received, references: list[str]) -> None:
    wait_until(lambda: len(received()) >= len(references) // 3, 60, "the batch never started")


def test_smtp_server_stopped_and_restarted_during_a_batch_loses_nothing(site, smtp, size):
    smtp.handler.data_delay = 0.05
    site.worker()
    references = site.enqueue("email", size["messages"])
    _half_way(smtp.handler.references, references)
    smtp.stop()
    time.sleep(2)  # deliveries meet a closed port and are retried with back-off
    assert set(site.message_states(references).values()) != {"sent"}, "the outage came too late"
    smtp.start()
    _settle(site, references)
    _count("SMTP server stopped 2 s mid-batch", references, smtp.handler.references())


def test_sms_gateway_stopped_and_restarted_during_a_batch_loses_nothing(site, sms, size):
    sms.delay = 0.05
    site.worker()
    references = site.enqueue("sms", size["messages"])
    _half_way(sms.received, references)
    sms.stop()
    time.sleep(2)
    assert set(site.message_states(references).values()) != {"sent"}, "the outage came too late"
    sms.start()
    _settle(site, references)
    _count("SMS gateway stopped 2 s mid-batch", references, sms.received())


def test_worker_killed_in_the_middle_of_a_batch_the_next_worker_delivers_the_rest(site, smtp, size):
    smtp.handler.data_delay = 0.05
    first = site.worker()
    references = site.enqueue("email", size["messages"])
    _half_way(smtp.handler.references, references)
    kill(first)
    assert len(set(smtp.handler.references())) < len(references), "the batch ended before the kill"
    site.worker()
    _settle(site, references)
    row = _count("worker SIGKILLed mid-batch", references, smtp.handler.references())
    # A worker delivers a claimed batch over one connection and records it once (decision 0040): what the
    # server accepted from the killed worker's batch goes again, each copy with its reference; no more.
    assert row.duplicated <= settings.NOTIFICATION_BATCH_SIZE, "only the killed worker's batch may be re-sent"


def _waiting_on_a_lock(site) -> bool:
    return site.sql("SELECT count(*) FROM pg_locks WHERE NOT granted")[0][0] > 0


@pytest.mark.req("REC-2")
def test_worker_killed_inside_the_recovery_task_the_email_arrives_once(site, smtp):
    """The task holds its transaction open on the audit chain's head (locked here), as a slow task
    would; SIGKILL there, then a new worker takes the task over after its lease (decision 0029)."""
    base = site.app_server(workers=1)
    status = http(base + "/api/v1/password-reset", {"username": DEMO_USERNAME, "captcha": captcha(base)})[0]
    assert status == 202
    [(task_id,)] = site.sql("SELECT id FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s", "%recovery%")
    with psycopg.connect(site.env["DATABASE_URL"]) as holder:
        holder.execute("SELECT 1 FROM core_audithead WHERE id = 1 FOR UPDATE")
        first = site.worker()
        wait_until(lambda: _waiting_on_a_lock(site), 30, "the worker never reached the task's audit entry")
        kill(first)
        holder.rollback()
    assert site.sql("SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", task_id)[0][0] == (
        TaskResultStatus.RUNNING
    )
    site.worker()
    wait_until(
        lambda: site.sql("SELECT count(*) FROM notifications_message WHERE template = 'password_reset'"
                         " AND state = 'sent'")[0][0] == 1,
        60, "the recovery email was never sent",
    )  # fmt: skip
    time.sleep(4)  # two task leases: a second run or a second send would land now
    [(reference,)] = site.sql("SELECT reference FROM notifications_message WHERE template = 'password_reset'")
    [(state, claims)] = site.sql(
        "SELECT status, jsonb_array_length(worker_ids::jsonb) FROM django_tasks_database_dbtaskresult WHERE id = %s",
        task_id,
    )
    assert (state, claims) == (TaskResultStatus.SUCCESSFUL, 2)
    _count("worker SIGKILLed inside the recovery task", [reference], smtp.handler.references())
