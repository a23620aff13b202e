"""BO-4: opening a record asks for a reason and a ticket first; nothing of the member is shown before;
each opening is a StaffAccess row and an audit entry; the grant lasts 15 minutes for that session."""

import pytest

from memberarea.core.models import AuditEntry
from memberarea.identity.models import Role
from memberarea.members.models import StaffAccess
from tests.backoffice.conftest import client_for, member_one, open_record
from tests.identity.registering import HOLDER_NIF

SECRET_BITS = ("Apellido 1", "persona1@example.invalid", "+34600000001", "10000001")


def record_url() -> str:
    return f"/staff/members/{member_one().pk}/"


@pytest.mark.req("BO-4")
@pytest.mark.parametrize(
    "reason",
    [
        {"reason": "", "ticket": ""},
        {"reason": "member_called", "ticket": ""},
        {"reason": "", "ticket": "CS-1"},
        {"reason": "made_up", "ticket": "CS-1"},
    ],
)
def test_without_a_reason_and_a_ticket_nothing_is_shown(member_account, staff, reason):
    client = client_for(staff[Role.AGENT])
    for response in (client.get(record_url()), open_record(client, member_one(), **reason), client.get(record_url())):
        body = response.content.decode()
        assert not any(bit in body for bit in SECRET_BITS)
        assert 'name="reason"' in body
    assert not StaffAccess.objects.exists()
    assert not AuditEntry.objects.filter(event="staff.member_accessed").exists()


@pytest.mark.req("BO-4")
def test_a_reason_opens_the_record_and_is_recorded(member_account, staff):
    agent = staff[Role.AGENT]
    client = client_for(agent)
    assert open_record(client, member_one()).status_code == 302
    body = client.get(record_url()).content.decode()
    assert "Apellido 1" in body and "persona1@example.invalid" in body
    assert "1•••" in body and "10000001" not in body  # the document is masked to its first and last characters
    access = StaffAccess.objects.get()
    assert (access.staff_id, access.membership_id, access.reason, access.ticket) == (
        agent.pk, member_one().pk, "member_called", "CS-1234")  # fmt: skip
    entry = AuditEntry.objects.get(event="staff.member_accessed")
    assert (entry.actor_id, entry.subject_id) == (str(agent.pk), str(member_one().pk))


@pytest.mark.req("BO-4")
def test_the_grant_lasts_15_minutes_for_that_session_only(member_account, staff, frozen_clock):
    client = client_for(staff[Role.AGENT])
    open_record(client, member_one())
    frozen_clock.advance(minutes=14)
    assert "Apellido 1" in client.get(record_url()).content.decode()
    other_session = client_for(staff[Role.AGENT])
    assert "Apellido 1" not in other_session.get(record_url()).content.decode()
    frozen_clock.advance(minutes=2)
    body = client.get(record_url()).content.decode()
    assert "Apellido 1" not in body and 'name="reason"' in body


@pytest.mark.req("BO-4")
def test_the_grant_follows_its_setting(member_account, staff, frozen_clock, settings):
    settings.BACKOFFICE_REASON_GRANT_SECONDS = 60
    client = client_for(staff[Role.AGENT])
    open_record(client, member_one())
    frozen_clock.advance(seconds=59)
    assert "Apellido 1" in client.get(record_url()).content.decode()
    frozen_clock.advance(seconds=2)
    assert 'name="reason"' in client.get(record_url()).content.decode()


@pytest.mark.req("BO-4")
def test_an_unknown_member_is_not_found(member_account, staff):
    client = client_for(staff[Role.AGENT])
    assert client.get("/staff/members/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.req("BO-1")
def test_search_is_exact_and_masked(member_account, staff):
    client = client_for(staff[Role.PRIVACY_OFFICER])
    for query in ("m-000001", f"{HOLDER_NIF[:8]}-{HOLDER_NIF[8].lower()}", member_account.username):
        body = client.get("/staff/members/", {"q": query}).content.decode()
        assert "M000001" in body, query
        assert "N. A." in body and "p•••@e•••.invalid" in body and "••• ••• •01" in body
        assert not any(bit in body for bit in SECRET_BITS[:3])  # the query itself is echoed in its field
    assert client.get("/staff/members/", {"q": "M-00000"}).content.decode().count("member-hit") == 0
    assert client.get("/staff/members/", {"q": "POL-100"}).content.decode().count("member-hit") == 3
