"""Ending registry entries (LOGIN-5, LOGIN-6): each end is audited with who acted, and a trusted device
that has already expired is not revoked again."""

import pytest

from memberarea.core.models import AuditEntry
from memberarea.identity import sessions
from memberarea.identity.models import Role
from memberarea.identity.services import account_create
from tests.identity.registering import error_code
from tests.identity.signing_in import app_sign_in, ended, signed_in_client, trusted_device

pytestmark = pytest.mark.django_db


def actor_of(event: str, subject) -> str:
    return AuditEntry.objects.get(event=event, subject_id=str(subject)).actor_id


@pytest.mark.req("LOGIN-5")
def test_an_app_sign_out_is_audited_as_the_members_own(member_account):
    session = app_sign_in(member_account).session
    assert sessions.app_session_end(session=session, reason="signed_out")
    assert actor_of("session.ended", session.pk) == str(member_account.pk)


@pytest.mark.req("LOGIN-5")
def test_a_session_ended_by_staff_is_audited_as_theirs(member_account):
    agent = account_create(username="AGENT-7", password="Staff7Password", roles=(Role.AGENT,))
    session = app_sign_in(member_account).session
    assert sessions.session_end(account=member_account, session_id=session.pk, actor=agent) == "session"
    assert actor_of("session.ended", session.pk) == str(agent.pk)


@pytest.mark.req("LOGIN-6")
def test_a_revoked_trusted_device_is_audited_with_who_revoked_it(member_account, frozen_clock):
    mine, by_staff = (
        trusted_device(member_account, at=frozen_clock.at),
        trusted_device(member_account, at=frozen_clock.at),
    )
    agent = account_create(username="AGENT-8", password="Staff7Password", roles=(Role.AGENT,))
    sessions.trusted_device_revoke(account=member_account, device_id=mine.pk)
    sessions.trusted_device_revoke(account=member_account, device_id=by_staff.pk, actor=agent)
    assert actor_of("device.revoked", mine.pk) == str(member_account.pk)
    assert actor_of("device.revoked", by_staff.pk) == str(agent.pk)


@pytest.mark.req("LOGIN-6")
def test_an_expired_trusted_device_is_not_found_and_stays_as_it_was(member_account, frozen_clock, settings):
    device = trusted_device(member_account, at=frozen_clock.at)
    frozen_clock.advance(days=settings.TRUSTED_DEVICE_DAYS)
    assert error_code(sessions.trusted_device_revoke, account=member_account, device_id=device.pk) == "not_found"
    device.refresh_from_db()
    assert device.revoked_at is None
    assert not AuditEntry.objects.filter(event="device.revoked").exists()


@pytest.mark.req("LOGIN-5")
def test_a_session_ended_by_staff_says_so_and_one_ended_by_the_member_says_that(member_account):
    agent = account_create(username="AGENT-9", password="Staff7Password", roles=(Role.AGENT,))
    by_staff, by_member = app_sign_in(member_account).session, app_sign_in(member_account).session
    sessions.session_end(account=member_account, session_id=by_staff.pk, actor=agent)
    sessions.session_end(account=member_account, session_id=by_member.pk, actor=member_account)
    assert ended(by_staff) == "ended_by_staff" and ended(by_member) == "ended_by_member"


@pytest.mark.req("LOGIN-6")
def test_a_trusted_device_ended_by_staff_through_the_list_is_audited_as_theirs(member_account, frozen_clock):
    device = trusted_device(member_account, at=frozen_clock.at)
    agent = account_create(username="AGENT-10", password="Staff7Password", roles=(Role.AGENT,))
    assert sessions.session_end(account=member_account, session_id=device.pk, actor=agent) == "trusted_device"
    assert actor_of("device.revoked", device.pk) == str(agent.pk)


@pytest.mark.req("LOGIN-5")
def test_a_browser_session_is_audited_as_started_and_signed_out_by_the_member(member_account):
    client, record = signed_in_client(member_account)
    started = AuditEntry.objects.get(event="session.started", subject_id=str(record.pk))
    assert started.actor_id == str(member_account.pk) and started.data == {"kind": "browser"}
    client.post("/sign-out/")
    assert actor_of("session.ended", record.pk) == str(member_account.pk)
