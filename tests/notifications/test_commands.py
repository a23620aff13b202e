"""Operator commands: checking a channel end to end, and the outbox status for staff (NOTIF-2)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from memberarea.notifications.delivery import message_deliver
from memberarea.notifications.services import message_enqueue

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.req("NOTIF-1")
def test_send_test_message_by_email_reaches_the_smtp_server(smtp_server):
    output = _run("send_test_message", "--email", "ops@example.test", "--language", "en")

    assert "sent" in output
    [received] = smtp_server.handler.received
    assert received.rcpt_tos == ["ops@example.test"]
    assert received.message["Subject"] == "Test message from Ejemplia Salud"


@pytest.mark.req("NOTIF-1")
def test_send_test_message_by_sms_reaches_the_gateway(sms_gateway):
    _run("send_test_message", "--sms", "+34600000000", "--language", "es")
    assert sms_gateway.requests[0]["json"]["to"] == "+34600000000"


def test_send_test_message_reports_a_channel_that_is_down(smtp_server):
    smtp_server.stop()
    assert "not sent yet (smtp_refused)" in _run("send_test_message", "--email", "ops@example.test")
    with pytest.raises(CommandError):
        _run("send_test_message", "--sms", "600000000")


@pytest.mark.req("NOTIF-2")
def test_outbox_status_counts_states_and_lists_failures_without_content(sms_gateway):
    sms_gateway.statuses = [400]
    failed = message_enqueue(
        channel="sms", to="+34611111111", template="test_message", language="es", context={}, subject_id="member-7"
    )
    message_deliver(failed.pk)
    message_enqueue(channel="sms", to="+34622222222", template="test_message", language="es", context={})

    output = _run("outbox_status")

    assert "pending  1" in output and "failed   1" in output and "sent     0" in output
    assert str(failed.pk) in output and "sms_http_400" in output and "member-7" in output
    assert "+3461" not in output and "+3462" not in output and "prueba" not in output
