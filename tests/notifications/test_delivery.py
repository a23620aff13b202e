"""Delivery over real channels: an SMTP server and an HTTP SMS gateway on loopback (NOTIF-1..3)."""

import datetime as dt
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from memberarea.core import clock
from memberarea.core.datamap import declaration_for, model_fields
from memberarea.notifications.channels import _SmtpSession
from memberarea.notifications.delivery import message_deliver, messages_sweep
from memberarea.notifications.models import DevOutboxEntry, Message, State
from memberarea.notifications.selectors import messages_failed, messages_for_subject
from memberarea.notifications.services import message_dispatch, message_enqueue
from memberarea.settings.env import parse_email_url

from .conftest import SMS_TOKEN, free_port

UNSUBSCRIBE = "https://portal.example.test/unsubscribe/tok3n-abc"


def _email(language="es", **overrides) -> Message:
    arguments = {
        "channel": "email",
        "to": "ana.garcia@example.test",
        "template": "test_message",
        "language": language,
        "context": {},
        "subject_id": "acct-1",
    }
    return message_enqueue(**(arguments | overrides))


def _raw(reference: str, column: str):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM notifications_message WHERE reference = %s', [reference])
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.req("NOTIF-1")
@pytest.mark.req("NOTIF-3")
@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("es", "Mensaje de prueba de Ejemplia Salud", "Este es un mensaje de prueba de Ejemplia Salud."),
        ("en", "Test message from Ejemplia Salud", "This is a test message from Ejemplia Salud."),
    ],
)
def test_email_arrives_with_its_headers_in_the_members_language(smtp_server, settings, language, subject, sentence):
    settings.DEFAULT_FROM_EMAIL = "no-reply@mail.example.test"
    message = _email(language)

    assert message_deliver(message.pk) == "sent"

    [received] = smtp_server.handler.received
    mail = received.message
    assert received.rcpt_tos == ["ana.garcia@example.test"]
    assert received.mail_from == "no-reply@mail.example.test"
    assert mail["To"] == "ana.garcia@example.test"
    [sender] = mail["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Ejemplia Salud", "no-reply@mail.example.test")
    assert mail["Subject"] == subject
    assert mail["Content-Language"] == language
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Message-ID"] == f"<{message.reference}@mail.example.test>"
    assert mail["Date"]
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert sentence in text and sentence in html
    assert settings.BRAND["support_phone"] in text  # brand contact points come from settings
    assert "List-Unsubscribe" not in mail  # administrative: no unsubscribe headers (PRIV-4)
    assert "List-Unsubscribe-Post" not in mail


@pytest.mark.django_db
@pytest.mark.req("PRIV-4")
@pytest.mark.req("NOTIF-3")
def test_marketing_email_has_one_click_unsubscribe_headers(smtp_server):
    message = _email("en", kind="marketing", unsubscribe_url=UNSUBSCRIBE)
    message_deliver(message.pk)

    mail = smtp_server.handler.received[0].message
    assert mail["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE in mail.get_body(("plain",)).get_content()


@pytest.mark.django_db
@pytest.mark.req("PRIV-4")
def test_marketing_needs_an_unsubscribe_link_and_administrative_has_none():
    with pytest.raises(ValueError, match="unsubscribe"):
        _email(kind="marketing")
    with pytest.raises(ValueError, match="unsubscribe"):
        _email(kind="administrative", unsubscribe_url=UNSUBSCRIBE)
    assert not Message.objects.exists()


@pytest.mark.django_db
@pytest.mark.req("NOTIF-1")
def test_sms_goes_to_the_gateway_as_json_with_the_bearer_token(sms_gateway):
    message = message_enqueue(channel="sms", to="+34612345678", template="test_message", language="es", context={})

    assert message_deliver(message.pk) == "sent"

    [request] = sms_gateway.requests
    assert request["path"] == "/v1/messages"
    assert request["headers"]["Authorization"] == f"Bearer {SMS_TOKEN}"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["json"] == {
        "to": "+34612345678",
        "body": "Este es un mensaje de prueba de Ejemplia Salud.",
        "reference": message.reference,
    }
    message.refresh_from_db()
    assert message.state == State.SENT


@pytest.mark.django_db
@pytest.mark.req("NOTIF-2")
def test_sms_gateway_errors_retry_or_fail_by_status(sms_gateway, frozen_clock):
    sms_gateway.statuses = [503, 400]
    message = message_enqueue(channel="sms", to="+34612345678", template="test_message", language="en", context={})

    assert message_deliver(message.pk) == "sms_http_503"  # temporary: retried later
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error_code) == (State.PENDING, 1, "sms_http_503")
    assert message_deliver(message.pk) == "skipped"  # not due during its back-off

    frozen_clock.advance(hours=1)
    assert message_deliver(message.pk) == "sms_http_400"  # the gateway refuses this message: no retry
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.FAILED, 2)
    assert list(messages_failed()) == [message]


@pytest.mark.django_db
@pytest.mark.req("NOTIF-2")
@pytest.mark.req("OPS-3")
def test_bodies_are_encrypted_at_rest_and_secrets_purged_once_sent(smtp_server):
    secret = _email("en", contains_secret=True)
    plain = _email("en")

    for column in ("to", "subject", "body_text", "body_html"):
        raw = _raw(secret.reference, column)
        assert raw.startswith("v1."), column
        assert "example.test" not in raw and "test message" not in raw.lower()

    assert message_deliver(secret.pk) == "sent"
    assert message_deliver(plain.pk) == "sent"

    secret.refresh_from_db()
    assert secret.state == State.SENT and secret.sent_at is not None
    assert (secret.subject, secret.body_text, secret.body_html) == (None, None, None)
    assert _raw(secret.reference, "body_text") is None
    assert _raw(secret.reference, "body_html") is None
    plain.refresh_from_db()
    assert "This is a test message" in plain.body_text  # kept until the retention period


@pytest.mark.django_db
@pytest.mark.req("NOTIF-2")
def test_an_expired_code_is_never_sent(smtp_server, frozen_clock):
    smtp_server.stop()
    message = _email(expires_at=clock.now() + dt.timedelta(minutes=10), contains_secret=True)
    assert message_deliver(message.pk) == "smtp_refused"

    frozen_clock.advance(minutes=11)
    smtp_server.start()
    assert messages_sweep(dispatch=message_dispatch).startswith("0 dispatched, 1 expired")
    assert message_deliver(message.pk) == "skipped"

    message.refresh_from_db()
    assert (message.state, message.last_error_code) == (State.EXPIRED, "expired")
    assert message.body_text is None and message.subject is None
    assert smtp_server.handler.received == []


@pytest.mark.django_db
@pytest.mark.req("NOTIF-2")
def test_a_sent_message_is_never_sent_again(smtp_server, frozen_clock):
    message = _email()
    assert message_deliver(message.pk) == "sent"
    frozen_clock.advance(days=1)
    messages_sweep(dispatch=message_dispatch)
    assert message_deliver(message.pk) == "skipped"
    assert len(smtp_server.handler.received) == 1


@pytest.mark.django_db
@pytest.mark.req("NOTIF-2")
def test_after_the_last_attempt_the_message_fails_visibly(smtp_server, frozen_clock, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    smtp_server.stop()
    message = _email(contains_secret=True, subject_id="member-42")
    outcomes = []
    for _ in range(3):
        outcomes.append(message_deliver(message.pk))
        frozen_clock.advance(days=1)

    assert outcomes == ["smtp_refused"] * 3
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error_code) == (State.FAILED, 3, "smtp_refused")
    assert message.body_text is None  # a failed code is purged too
    assert list(messages_failed()) == [message]
    [status] = messages_for_subject("member-42")
    assert status.state == State.FAILED


@pytest.mark.django_db
@pytest.mark.req("NOTIF-2")
def test_backoff_grows_with_jitter_and_the_lease_lets_another_worker_take_over(smtp_server, frozen_clock, settings):
    settings.NOTIFICATION_LEASE_SECONDS = 60
    smtp_server.stop()
    message = _email()
    message_deliver(message.pk)
    message.refresh_from_db()
    first_delay = (message.next_attempt_at - clock.now()).total_seconds()
    base = settings.NOTIFICATION_BACKOFF_BASE_SECONDS
    assert 0.8 * base <= first_delay <= 1.2 * base

    frozen_clock.advance(seconds=first_delay)
    message_deliver(message.pk)
    message.refresh_from_db()
    assert 1.6 * base <= (message.next_attempt_at - clock.now()).total_seconds() <= 2.4 * base

    # A worker that claimed the message and died leaves it "sending" until its lease runs out.
    smtp_server.start()
    frozen_clock.advance(hours=1)
    Message.objects.filter(pk=message.pk).update(
        state=State.SENDING, leased_until=clock.now() + dt.timedelta(seconds=60)
    )
    assert message_deliver(message.pk) == "skipped"
    frozen_clock.advance(seconds=61)
    assert messages_sweep(dispatch=message_dispatch).startswith("1 dispatched")
    assert message_deliver(message.pk) == "sent"
    assert smtp_server.handler.references() == [message.reference]


@pytest.mark.django_db
@pytest.mark.req("NOTIF-2")
def test_the_message_row_commits_or_rolls_back_with_the_action(django_capture_on_commit_callbacks):
    class ActionFailed(Exception):
        pass

    with pytest.raises(ActionFailed), transaction.atomic():
        _email()
        raise ActionFailed
    assert not Message.objects.exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = _email()
    assert len(callbacks) == 1

    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [str(message.pk)], "kwargs": {}}  # the id only, never content


@pytest.mark.django_db(transaction=True)
@pytest.mark.req("NOTIF-1")
def test_the_queued_task_delivers_its_message_as_the_worker_runs_it(smtp_server):
    message = _email()  # outside a transaction: its task is queued at once
    [queued] = DBTaskResult.objects.all()
    assert queued.task.call(*queued.task_result.args, **queued.task_result.kwargs) == "sent"
    assert Message.objects.get(pk=message.pk).state == State.SENT


@pytest.mark.django_db
def test_bad_addresses_and_templates_are_refused():
    with pytest.raises(ValueError):
        _email(to="not an address")
    with pytest.raises(ValueError):
        message_enqueue(channel="sms", to="612345678", template="test_message", language="es", context={})
    with pytest.raises(ValueError):
        _email(template="../../web/base")


@pytest.mark.req("PRIV-7")
def test_every_notifications_field_is_in_the_data_map():
    for model in (Message, DevOutboxEntry):
        missing = [name for name in model_fields(model) if declaration_for(model, name) is None]
        assert missing == [], f"{model._meta.label}: {missing}"


class _SessionCountingHandler:
    """Counts SMTP sessions (EHLO greetings) and accepted messages."""

    def __init__(self) -> None:
        self.sessions = 0
        self.messages = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


@pytest.mark.django_db
@pytest.mark.req("NOTIF-1")
def test_a_worker_reuses_its_smtp_connection_and_replaces_a_dropped_one(settings):
    handler = _SessionCountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_CHANNEL = parse_email_url(f"smtp://127.0.0.1:{port}?timeout=5")
    try:
        for index in range(3):
            message_deliver(_email(to=f"reuse{index}@example.test").pk)
        assert (handler.sessions, handler.messages) == (1, 3)
        connection, _ = _SmtpSession.get()
        connection.sock.shutdown(socket.SHUT_RDWR)  # as when the server drops an idle connection
        message_deliver(_email(to="after-drop@example.test").pk)
        assert (handler.sessions, handler.messages) == (2, 4)
    finally:
        _SmtpSession.close()
        controller.stop()


# --- draining delivery (PERF-7, decision 0040) ---------------------------------------------------
def _burst() -> None:
    call_command("worker", "--burst", stdout=io.StringIO())


@pytest.mark.req("PERF-7")
@pytest.mark.req("NOTIF-2")
def test_messages_of_one_commit_share_one_task_which_drains_them_in_batches(transactional_db, smtp_server, settings):
    settings.NOTIFICATION_BATCH_SIZE = 4
    with transaction.atomic():
        campaign = [_email(to=f"batch{n}@example.test", contains_secret=n % 2 == 0) for n in range(10)]
    single = _email(to="alone@example.test")  # its own commit: its own task

    assert DBTaskResult.objects.count() == 2
    _burst()

    assert sorted(smtp_server.handler.references()) == sorted(m.reference for m in [*campaign, single])
    assert set(Message.objects.values_list("state", "attempts")) == {(State.SENT, 1)}
    # Recorded in one statement per batch, the secrets purged in it and the others kept.
    assert not Message.objects.filter(contains_secret=True, body_text__isnull=False).exists()
    assert Message.objects.filter(contains_secret=False, body_text__isnull=False).count() == 6


@pytest.mark.req("PERF-7")
@pytest.mark.req("NOTIF-2")
def test_a_drain_out_of_time_hands_the_rest_to_a_new_task(transactional_db, smtp_server, settings):
    settings.NOTIFICATION_DRAIN_SECONDS = 0  # each task sends its own message, then hands over
    with transaction.atomic():
        messages = [_email(to=f"turn{n}@example.test") for n in range(3)]

    _burst()

    assert sorted(smtp_server.handler.references()) == sorted(m.reference for m in messages)
    assert DBTaskResult.objects.count() == 3


@pytest.mark.req("PERF-7")
@pytest.mark.req("NOTIF-2")
def test_a_failure_in_a_batch_is_retried_alone_and_the_rest_are_sent(db, smtp_server, sms_gateway):
    with transaction.atomic():
        texts = [
            message_enqueue(channel="sms", to=f"+3460000000{n}", template="test_message", language="es", context={})
            for n in range(3)
        ]
    sms_gateway.statuses = [202, 503, 202]

    assert message_deliver(texts[0].pk, follow_up=lambda left: None) == "sent"

    states = dict(Message.objects.values_list("reference", "state"))
    assert [states[m.reference] for m in texts] == [State.SENT, State.PENDING, State.SENT]
    assert Message.objects.get(pk=texts[1].pk).last_error_code == "sms_http_503"
