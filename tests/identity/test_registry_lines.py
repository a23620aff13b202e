"""The registry's lines (LOGIN-5, LOGIN-6): a browser and its own trusted device are one line, an
unknown agent has empty parts (never None), and a browser sign-in is audited under its entry."""

import pytest
from django.test import Client

from memberarea.core.models import AuditEntry
from memberarea.identity import sessions
from tests.identity.signing_in import session_sign_in, trusted_device

pytestmark = pytest.mark.django_db


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-6")
def test_the_asking_browsers_trusted_device_is_folded_into_its_line(member_account, frozen_clock):
    record = session_sign_in(Client().session, member_account)
    device = trusted_device(member_account, at=frozen_clock.at)
    lines = sessions.sessions_for(member_account, current_session_id=record.pk, current_device_id=device.pk)
    assert [(line.id, line.current, line.trusted_device_id) for line in lines] == [(record.pk, True, device.pk)]
    assert lines[0].trusted_until == device.expires_at


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-6")
def test_folding_the_trusted_device_leaves_the_other_sessions_as_they_are(member_account, frozen_clock):
    other = session_sign_in(Client().session, member_account)
    frozen_clock.advance(minutes=5)
    record = session_sign_in(Client().session, member_account)
    device = trusted_device(member_account, at=frozen_clock.at)
    lines = sessions.sessions_for(member_account, current_session_id=record.pk, current_device_id=device.pk)
    assert [(line.id, line.current, line.trusted_device_id) for line in lines] == [
        (record.pk, True, device.pk),
        (other.pk, False, None),
    ]


@pytest.mark.req("LOGIN-5")
def test_an_unknown_agent_has_empty_parts():
    assert sessions.device_parts("curl/8.5.0") == ("", "")


@pytest.mark.req("LOGIN-5")
def test_a_browser_sign_in_is_audited_under_its_registry_entry(member_account):
    record = session_sign_in(Client().session, member_account)
    entry = AuditEntry.objects.get(event="session.started")
    assert (entry.subject_id, entry.actor_id) == (str(record.pk), str(member_account.pk))
