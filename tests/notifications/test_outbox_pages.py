"""The development outbox (NOTIF-1): readable in demo mode, newest first; 404 everywhere else."""

import pytest
from django.db import connection

from memberarea.notifications.channels import email_send_outbox
from memberarea.notifications.delivery import message_deliver
from memberarea.notifications.models import DevOutboxEntry
from memberarea.notifications.services import message_enqueue

pytestmark = [pytest.mark.django_db, pytest.mark.req("NOTIF-1")]


@pytest.fixture
def outbox_channels(settings):
    settings.EMAIL_CHANNEL = {"channel": "outbox"}
    settings.SMS_CHANNEL = {"channel": "outbox"}
    settings.DEMO_MODE = True


def _deliver_two(frozen_clock):
    older = message_enqueue(channel="email", to="ana@example.test", template="test_message", language="en", context={})
    message_deliver(older.pk)
    frozen_clock.advance(minutes=1)
    newer = message_enqueue(channel="sms", to="+34612345678", template="test_message", language="es", context={})
    message_deliver(newer.pk)
    return older, newer


def test_json_lists_delivered_messages_newest_first(client, outbox_channels, frozen_clock):
    older, newer = _deliver_two(frozen_clock)

    response = client.get("/dev/outbox.json")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    messages = response.json()["messages"]
    assert [m["reference"] for m in messages] == [newer.reference, older.reference]
    assert messages[0] | {"delivered_at": None} == {
        "reference": newer.reference,
        "channel": "sms",
        "kind": "administrative",
        "language": "es",
        "to": "+34612345678",
        "subject": None,
        "body_text": "Este es un mensaje de prueba de Ejemplia Salud.",
        "body_html": None,
        "headers": {},
        "delivered_at": None,
    }
    assert messages[1]["subject"] == "Test message from Ejemplia Salud"
    assert messages[1]["headers"] == {"Content-Language": "en"}


def test_html_page_shows_the_messages_newest_first_in_the_visitors_language(client, outbox_channels, frozen_clock):
    _deliver_two(frozen_clock)

    page = client.get("/dev/outbox", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Bandeja de salida de desarrollo" in page
    assert page.index("+34612345678") < page.index("ana@example.test")
    assert "Este es un mensaje de prueba de Ejemplia Salud." in page
    english = client.get("/dev/outbox", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and "Development outbox" in english.content.decode()


def test_a_resend_with_the_same_reference_is_stored_once(outbox_channels, frozen_clock):
    older, _ = _deliver_two(frozen_clock)
    older.refresh_from_db()
    email_send_outbox(older)  # as after a crash between the send and the "sent" mark
    assert DevOutboxEntry.objects.filter(reference=older.reference).count() == 1


def test_stored_outbox_entries_are_encrypted(outbox_channels, frozen_clock):
    _deliver_two(frozen_clock)
    with connection.cursor() as cursor:
        cursor.execute('SELECT "to", body_text FROM notifications_devoutboxentry')
        for to, body in cursor.fetchall():
            assert to.startswith("v1.") and body.startswith("v1.")


def test_outbox_pages_are_404_outside_demo_mode(client, outbox_channels, frozen_clock, settings):
    _deliver_two(frozen_clock)
    settings.DEMO_MODE = False

    for url in ("/dev/outbox", "/dev/outbox.json"):
        response = client.get(url)
        assert response.status_code == 404
        assert b"example.test" not in response.content and b"+34612345678" not in response.content


def test_outbox_pages_are_read_only(client, outbox_channels):
    assert client.post("/dev/outbox.json").status_code == 405
    assert client.post("/dev/outbox").status_code in {403, 405}  # CSRF or method: either way, nothing changes
