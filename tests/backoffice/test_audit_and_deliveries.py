"""BO-5 and BO-1: the audit log as staff read it (agents their own actions only), and failed deliveries —
state only, never content or address — with a retry that goes through the access check."""

import pytest

from memberarea.core import clock
from memberarea.core.models import AuditEntry
from memberarea.identity.models import Role
from memberarea.notifications.models import Message, State
from memberarea.notifications.services import message_enqueue
from tests.backoffice.conftest import REASON, client_for, member_one, open_record

SECRET = "persona1@example.invalid"


ENTRY = 'class="session-entry audit-entry"'


def audit_page(account, **filters):
    return client_for(account).get("/staff/audit/", filters).content.decode()


def accesses(account, **filters) -> int:
    """How many record openings the audit page lists to `account`."""
    return audit_page(account, event="staff.member_accessed", **filters).count(ENTRY)


@pytest.mark.req("BO-5")
def test_agents_read_only_their_own_actions_the_others_read_all(member_account, staff):
    open_record(client_for(staff[Role.AGENT]), member_one())
    open_record(client_for(staff[Role.SECURITY_OFFICER]), member_one())
    member = str(member_account.pk)  # the account id finds the entries about the membership too
    assert accesses(staff[Role.AGENT], member=member) == 1
    assert staff[Role.SECURITY_OFFICER].username not in audit_page(staff[Role.AGENT], member=member)
    for role in (Role.PRIVACY_OFFICER, Role.SECURITY_OFFICER, Role.ADMINISTRATOR):
        assert accesses(staff[role], member=member) == 2, role
    assert accesses(staff[Role.ADMINISTRATOR], actor=str(staff[Role.AGENT].pk)) == 1
    assert accesses(staff[Role.AGENT], actor=str(staff[Role.SECURITY_OFFICER].pk)) == 1  # still only its own
    assert SECRET not in audit_page(staff[Role.ADMINISTRATOR])


def failed_message(account) -> Message:
    message = message_enqueue(
        channel="email", to=SECRET, template="password_changed", language="es", context={"first_name": "N"},
        subject_id=str(account.pk),
    )  # fmt: skip
    Message.objects.filter(pk=message.pk).update(state=State.FAILED, attempts=5, last_error_code="smtp_550")
    return message


@pytest.mark.req("BO-3")
def test_failed_deliveries_show_state_never_content_and_can_be_retried(member_account, staff):
    message = failed_message(member_account)
    client = client_for(staff[Role.AGENT])
    page = client.get("/staff/deliveries/").content.decode()
    assert "smtp_550" in page and "password_changed" not in page  # a human name, not the template's
    assert SECRET not in page
    retry = f"/staff/deliveries/{message.pk}/retry/"
    assert client.post(retry, {"reason": "delivery_problem", "ticket": ""}).status_code == 400
    assert client.post(retry, {"reason": "delivery_problem", "ticket": "CS-5"}).status_code == 302
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.PENDING, 0)
    assert AuditEntry.objects.filter(event="staff.message_retried", actor_id=str(staff[Role.AGENT].pk)).count() == 1
    assert client.post(retry, {"reason": "delivery_problem", "ticket": "CS-5"}).status_code == 409  # not failed now


@pytest.mark.req("BO-3")
def test_a_purged_message_cannot_be_retried(member_account, staff):
    message = failed_message(member_account)
    Message.objects.filter(pk=message.pk).update(content_purged_at=clock.now(), body_text=None)
    response = client_for(staff[Role.SECURITY_OFFICER]).post(
        f"/staff/deliveries/{message.pk}/retry/", {"reason": "delivery_problem", "ticket": "CS-6"}
    )
    assert response.status_code == 409


@pytest.mark.req("BO-3")
def test_the_troubleshooting_panel_shows_states_not_content(member_account, staff):
    failed_message(member_account)
    client = client_for(staff[Role.AGENT])
    open_record(client, member_one())
    body = client.get(f"/staff/members/{member_one().pk}/").content.decode()
    panel = body.split('class="summary-list troubleshooting"')[1]
    assert "smtp_550" in panel and "password_changed" not in panel
    assert SECRET not in panel
    privacy = client_for(staff[Role.PRIVACY_OFFICER])
    open_record(privacy, member_one(), **REASON)
    assert "troubleshooting" not in privacy.get(f"/staff/members/{member_one().pk}/").content.decode()


@pytest.mark.req("BO-1")
def test_administrators_create_change_and_deactivate_staff(staff):
    admin = client_for(staff[Role.ADMINISTRATOR])
    created = admin.post("/staff/staff/", {"username": "NEW-AGENT", "email": "new@example.invalid", "roles": ["agent"]})
    assert created.status_code == 200 and created.context["temporary_password"]
    account = created.context["created"]
    assert account.roles == {"agent"} and account.staff_profile.email == "new@example.invalid"
    assert admin.post(f"/staff/staff/{account.pk}/roles/", {"roles": ["security_officer"]}).status_code == 302
    account.refresh_from_db()
    assert set(account.staff_roles.values_list("role", flat=True)) == {"security_officer"}
    assert admin.post(f"/staff/staff/{account.pk}/deactivate/").status_code == 302
    account.refresh_from_db()
    assert not account.is_active
    events = set(AuditEntry.objects.filter(actor_id=str(staff[Role.ADMINISTRATOR].pk)).values_list("event", flat=True))
    assert {"staff.created", "staff.roles_changed", "staff.deactivated"} <= events
    assert admin.post("/staff/staff/", {"username": "X", "email": "x", "roles": []}).status_code == 400
