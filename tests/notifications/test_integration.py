"""The integration outbox to the core system, against a real HTTP server on loopback (PRIV-8: corrections
and erasure requests are forwarded to the core system)."""

import json
import os
import signal
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from memberarea.core import clock
from memberarea.core.models import AuditEntry
from memberarea.identity.models import Role
from memberarea.notifications.integration import integration_message_send
from memberarea.notifications.integration_delivery import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    integration_message_deliver,
    integration_signature_valid,
    integration_sweep,
)
from memberarea.notifications.models import IntegrationMessage, IntegrationState
from memberarea.notifications.selectors import integration_messages_failed
from tests.backoffice.conftest import client_for, make_staff

SIGNING_KEY = "core-system-test-signing-key-0123456789"


@dataclass
class CoreSystem:
    """What the core system received: raw body and headers per request; answers `statuses` in order, then 200."""

    url: str = ""
    requests: list[dict] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    stall_first: bool = False
    received: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def keys(self) -> list[str]:
        return [request["headers"]["Idempotency-Key"] for request in self.requests]


@pytest.fixture
def core_system(settings):
    system = CoreSystem()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            system.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            system.received.set()
            if system.stall_first and len(system.requests) == 1:
                system.release.wait(10)  # the sender is killed meanwhile: it never reads an answer
            status = system.statuses.pop(0) if system.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    system.url = f"http://127.0.0.1:{server.server_address[1]}/portal-events"
    settings.CORE_SYSTEM_URL = system.url
    settings.CORE_SYSTEM_SIGNING_KEY = SIGNING_KEY
    settings.CORE_SYSTEM_TIMEOUT_SECONDS = 5
    try:
        yield system
    finally:
        system.release.set()
        server.shutdown()
        server.server_close()


def _correction(reference: str = "rr-1:correction") -> IntegrationMessage:
    return integration_message_send(
        topic="core.member_correction",
        payload={"member_id": "m-1", "fields": {"date_of_birth": "1984-03-12"}},
        reference=reference,
    )


@pytest.mark.django_db
@pytest.mark.req("PRIV-8")
def test_a_message_is_delivered_once_signed_with_its_reference_as_idempotency_key(core_system):
    message = _correction()

    assert integration_message_deliver(message.pk) == "sent"
    assert integration_message_deliver(message.pk) == "skipped"

    [request] = core_system.requests
    headers, body = request["headers"], request["body"]
    assert headers["Idempotency-Key"] == "rr-1:correction"
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == {
        "topic": "core.member_correction",
        "reference": "rr-1:correction",
        "created_at": message.created_at.isoformat(),
        "payload": {"member_id": "m-1", "fields": {"date_of_birth": "1984-03-12"}},
    }
    timestamp, signature = headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    assert integration_signature_valid(body=body, timestamp=timestamp, signature=signature, key=SIGNING_KEY)
    assert not integration_signature_valid(body=body + b" ", timestamp=timestamp, signature=signature, key=SIGNING_KEY)
    assert not integration_signature_valid(body=body, timestamp=timestamp, signature=signature, key="another key")
    message.refresh_from_db()
    assert (message.state, message.attempts) == (IntegrationState.SENT, 1)


@pytest.mark.django_db
@pytest.mark.req("PRIV-8")
def test_the_payload_is_encrypted_at_rest_and_a_repeated_reference_is_one_message(core_system):
    message = _correction()
    again = _correction()

    assert again.pk == message.pk
    assert IntegrationMessage.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM notifications_integrationmessage")
        [stored] = cursor.fetchone()
    assert "1984-03-12" not in stored
    with pytest.raises(ValueError, match="already used"):
        integration_message_send(topic="core.member_erasure", payload={}, reference="rr-1:correction")
    with pytest.raises(ValueError, match="topic"):
        integration_message_send(topic="Member Erasure", payload={}, reference="rr-2")


@pytest.mark.django_db
@pytest.mark.req("PRIV-8")
def test_a_server_error_is_retried_after_a_backoff_with_the_same_key(core_system, frozen_clock):
    core_system.statuses = [500]
    message = _correction()

    assert integration_message_deliver(message.pk) == "core_http_500"
    assert integration_message_deliver(message.pk) == "skipped"  # not due yet
    message.refresh_from_db()
    assert message.state == IntegrationState.PENDING
    assert message.next_attempt_at > clock.now()

    frozen_clock.advance(seconds=2 * 60)
    dispatched: list = []
    integration_sweep(dispatch=dispatched.append)
    assert dispatched == [message.pk]
    assert integration_message_deliver(message.pk) == "sent"
    assert core_system.keys() == ["rr-1:correction", "rr-1:correction"]


@pytest.mark.django_db
@pytest.mark.req("PRIV-8")
def test_refused_or_out_of_attempts_the_message_fails_visibly(core_system, frozen_clock, settings):
    settings.CORE_SYSTEM_MAX_ATTEMPTS = 2
    core_system.statuses = [422, 503, 503]
    refused = _correction("rr-1")
    unavailable = _correction("rr-2")

    assert integration_message_deliver(refused.pk) == "core_http_422"  # "not this message": no retry
    assert integration_message_deliver(unavailable.pk) == "core_http_503"
    frozen_clock.advance(hours=1)
    assert integration_message_deliver(unavailable.pk) == "core_http_503"

    assert {(m.reference, m.attempts, m.last_error_code) for m in integration_messages_failed()} == {
        ("rr-1", 1, "core_http_422"),
        ("rr-2", 2, "core_http_503"),
    }


@pytest.mark.django_db
@pytest.mark.req("PRIV-8")
def test_without_a_core_system_messages_are_held_then_sent_once_one_is_configured(core_system, settings):
    settings.CORE_SYSTEM_URL = ""
    message = _correction()

    assert message.state == IntegrationState.HELD
    assert integration_message_deliver(message.pk) == "not_configured"
    assert integration_sweep(dispatch=pytest.fail).startswith("core system not configured: 1 held")
    assert core_system.requests == []

    settings.CORE_SYSTEM_URL = core_system.url
    dispatched: list = []
    integration_sweep(dispatch=dispatched.append)
    assert dispatched == [message.pk]
    assert integration_message_deliver(message.pk) == "sent"


@pytest.mark.django_db(transaction=True)
@pytest.mark.req("PRIV-8")
def test_a_delivery_killed_mid_post_is_taken_over_when_its_lease_runs_out(core_system, frozen_clock, settings):
    """A worker process SIGKILLed while the core system holds its POST: the row stays "sending" until the
    lease runs out, then the sweep dispatches it again and the next attempt delivers it (same key)."""
    core_system.stall_first = True
    message = _correction()

    child = os.fork()
    if child == 0:  # the doomed worker: its own database connection, then the POST that never returns
        connection.connection = None  # never close the parent's connection from here
        integration_message_deliver(message.pk)
        os._exit(0)
    try:
        assert core_system.received.wait(10), "the worker never reached the core system"
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (IntegrationState.SENDING, 1)

    dispatched: list = []
    integration_sweep(dispatch=dispatched.append)
    assert dispatched == []  # the lease still holds
    frozen_clock.advance(seconds=settings.CORE_SYSTEM_LEASE_SECONDS + 1)
    integration_sweep(dispatch=dispatched.append)
    assert dispatched == [message.pk]
    core_system.release.set()
    assert integration_message_deliver(message.pk) == "sent"
    message.refresh_from_db()
    assert (message.state, message.attempts) == (IntegrationState.SENT, 2)
    assert core_system.keys() == ["rr-1:correction", "rr-1:correction"]


@pytest.mark.django_db
@pytest.mark.req("PRIV-8")
def test_finished_payloads_are_erased_after_retention(core_system, frozen_clock, settings):
    message = _correction()
    integration_message_deliver(message.pk)

    frozen_clock.advance(days=settings.CORE_SYSTEM_PAYLOAD_RETENTION_DAYS + 1)
    integration_sweep(dispatch=pytest.fail)

    message.refresh_from_db()
    assert (message.payload, message.state) == (None, IntegrationState.SENT)
    assert message.payload_purged_at == clock.now()


@pytest.mark.django_db
@pytest.mark.req("PRIV-8")
def test_staff_see_failed_and_held_messages_and_the_demo_outbox_shows_payloads(core_system, settings, client):
    core_system.statuses = [422]
    integration_message_deliver(_correction("rr-refused").pk)
    settings.CORE_SYSTEM_URL = ""
    integration_message_send(topic="core.member_erasure", payload={"member_id": "m-2"}, reference="rr-held")

    staff_page = client_for(make_staff(Role.AGENT)).get("/staff/deliveries/", HTTP_ACCEPT_LANGUAGE="es")
    page = staff_page.content.decode()
    assert "rr-refused" in page and "core_http_422" in page
    assert "1 mensaje está retenido" in page
    assert "1984-03-12" not in page  # the staff list never shows a payload

    outbox = client.get("/dev/outbox.json").json()["core_system_messages"]
    assert {(entry["reference"], entry["state"]) for entry in outbox} == {
        ("rr-refused", "failed"),
        ("rr-held", "held"),
    }
    assert "Mensajes al sistema central" in client.get("/dev/outbox", HTTP_ACCEPT_LANGUAGE="es").content.decode()


@pytest.mark.django_db
@pytest.mark.req("PRIV-8")
@pytest.mark.req("BO-3")
def test_staff_send_a_failed_message_again_under_a_ticket_and_the_core_system_gets_it(
    core_system, django_capture_on_commit_callbacks
):
    core_system.statuses = [422]
    failed = _correction("rr-retry")
    assert integration_message_deliver(failed.pk) == "core_http_422"
    agent = client_for(make_staff(Role.AGENT))
    retry = f"/staff/deliveries/core/{failed.pk}/retry/"
    assert f'action="{retry}"' in agent.get("/staff/deliveries/").content.decode()

    assert agent.post(retry, {"ticket": " "}).status_code == 400  # a ticket is required
    assert client_for(make_staff(Role.MARKETING)).post(retry, {"ticket": "INC-9"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert agent.post(retry, {"ticket": "INC-9"}).status_code == 302
    (queued,) = DBTaskResult.objects.ready().filter(task_path__endswith="integration_message_deliver_task")
    assert queued.task_result.args == [str(failed.pk)]
    assert integration_message_deliver(failed.pk) == "sent"  # what the worker does with it

    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (IntegrationState.SENT, 1)
    assert core_system.keys() == ["rr-retry", "rr-retry"]  # the same Idempotency-Key both times
    entry = AuditEntry.objects.get(event="staff.core_message_retried")
    assert entry.data == {"message": str(failed.pk), "ticket": "INC-9"}
    assert agent.post(retry, {"ticket": "INC-9"}).status_code == 409  # not failed any more
