"""BO-2, BO-3: assisted changes — each through the access check, audited, the member told."""

import pytest

from memberarea.backoffice.services import contact_update, sign_in_unlock
from memberarea.core.errors import MemberAreaError
from memberarea.core.models import AuditEntry
from memberarea.core.ratelimit import lock_active, lock_set
from memberarea.enrollment.models import Membership
from memberarea.identity.flows import recovery
from memberarea.identity.flows.login import login_start
from memberarea.identity.models import Account, Role
from memberarea.identity.usernames import username_index
from memberarea.members.models import StaffAccess
from memberarea.notifications.models import Message
from tests.backoffice.conftest import REASON, client_for, member_one, open_record
from tests.enrollment.records import nif
from tests.identity.flows.test_recovery import run_queued_jobs
from tests.identity.registering import HOLDER_NIF, PASSWORD, error_code
from tests.identity.signing_in import ended, signed_in_client

NEW_NIE = "Y2468135L"
CONTACTS = {"persona1@example.invalid", "+34600000001"}


def sign_in(username: str):
    return login_start(username=username, password=PASSWORD, captcha=None, address="192.0.2.7", kind="api")


def told(template: str) -> set[str]:
    return {m.to for m in Message.objects.filter(template=template)}


def act(staff_account, name: str, **fields):
    client = client_for(staff_account)
    open_record(client, member_one())
    return client.post(f"/staff/members/{member_one().pk}/{name}/", {**REASON, **fields})


@pytest.mark.req("BO-2")
def test_username_change_end_to_end(member_account, staff):
    _, session = signed_in_client(member_account)
    response = act(staff[Role.AGENT], "username", document_type="nie", document_number="y-2468135-l")
    assert response.status_code == 302
    assert error_code(sign_in, HOLDER_NIF) == "invalid_credentials"  # the old username is dead at once
    assert sign_in(NEW_NIE).account_id == member_account.pk
    account = Account.objects.get(pk=member_account.pk)
    assert account.username == NEW_NIE
    person = member_one().person
    assert (person.document_type, person.document_number) == ("nie", NEW_NIE)
    assert ended(session) == "username_changed"
    assert told("username_changed") == CONTACTS
    entry = AuditEntry.objects.get(event="staff.username_changed")
    assert entry.actor_id == str(staff[Role.AGENT].pk) and entry.data["document_type"] == "nie"
    assert NEW_NIE not in str(entry.data)


@pytest.mark.req("BO-2")
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"document_type": "nif", "document_number": "12345678A"}, "document_number"),
        ({"document_type": "nif", "document_number": nif("10000005")}, "document_number"),  # member 5's, taken
        ({"document_type": "nif", "document_number": HOLDER_NIF}, "document_number"),  # the same one
        ({"document_type": "other", "document_number": NEW_NIE}, "document_type"),
    ],
)
def test_username_change_refuses_invalid_taken_or_unchanged_documents(member_account, staff, fields, field):
    response = act(staff[Role.AGENT], "username", **fields)
    assert response.status_code in (400, 409)
    assert field in response.context["field_errors"]
    assert Account.objects.get(pk=member_account.pk).username == HOLDER_NIF
    assert not told("username_changed")


@pytest.mark.req("BO-3")
def test_contact_update_replaces_it_everywhere_and_tells_the_old_one(member_account, staff):
    assert act(staff[Role.AGENT], "contact", channel="email", value="nueva@Example.INVALID").status_code == 302
    membership = member_one()
    assert (membership.email, membership.email_verified, membership.email_from_insurer) == (
        "nueva@example.invalid", True, False)  # fmt: skip
    assert told("contact_changed") == {"persona1@example.invalid"}
    assert AuditEntry.objects.get(event="staff.contact_updated").data["channel"] == "email"


@pytest.mark.req("BO-3")
def test_contact_update_refuses_a_channel_it_does_not_know(member_account, staff):
    response = act(staff[Role.AGENT], "contact", channel="fax", value="nueva@example.invalid")
    assert response.status_code == 400
    assert "channel" in response.context["field_errors"]
    assert member_one().email == "persona1@example.invalid"
    assert not told("contact_changed")
    assert not AuditEntry.objects.filter(event="staff.contact_updated").exists()


@pytest.mark.req("BO-3")
def test_unlock_clears_the_lock_audits_and_tells(member_account, staff):
    lock_set("login", member_account.username_index, 900)
    assert act(staff[Role.AGENT], "unlock").status_code == 302
    assert not lock_active("login", member_account.username_index)
    assert AuditEntry.objects.filter(event="staff.sign_in_unlocked").count() == 1
    assert told("assisted_change") == CONTACTS


@pytest.mark.req("BO-3")
def test_ending_sessions_audits_and_tells(member_account, staff):
    _, session = signed_in_client(member_account)
    assert act(staff[Role.SECURITY_OFFICER], "sessions").status_code == 302
    assert ended(session) == "ended_by_staff"
    assert AuditEntry.objects.filter(event="staff.sessions_ended").count() == 1
    assert told("assisted_change") == CONTACTS


@pytest.mark.req("BO-3")
def test_welcome_resend_audits_and_queues_the_welcome(member_account, staff):
    assert act(staff[Role.AGENT], "welcome").status_code == 302
    assert AuditEntry.objects.filter(event="staff.welcome_resent").count() == 1
    assert Membership.objects.get(pk=member_one().pk).welcome_state == "queued"
    assert Message.objects.filter(subject_id__in=[str(member_one().pk), str(member_account.pk)]).exists()


@pytest.mark.req("BO-1")
def test_freeze_by_a_security_officer_only(member_account, staff):
    assert act(staff[Role.AGENT], "freeze").status_code == 403
    assert act(staff[Role.SECURITY_OFFICER], "freeze").status_code == 302
    assert Account.objects.get(pk=member_account.pk).frozen_at is not None
    assert AuditEntry.objects.filter(event="staff.account_frozen").count() == 1
    assert told("account_frozen") == CONTACTS


@pytest.mark.req("BO-3")
def test_each_action_asks_its_own_reason_and_ticket(member_account, staff):
    with pytest.raises(MemberAreaError) as raised:
        sign_in_unlock(actor=staff[Role.AGENT], member_id=member_one().pk, reason="member_called", ticket="")
    assert raised.value.code == "invalid"
    sign_in_unlock(actor=staff[Role.AGENT], member_id=member_one().pk, reason="member_called", ticket="CS-9")
    assert StaffAccess.objects.filter(purpose="unlock", ticket="CS-9").count() == 1


@pytest.mark.req("BO-3")
def test_for_seven_days_recovery_does_not_use_an_email_an_agent_just_set(member_account, staff, frozen_clock, settings):
    contact_update(actor=staff[Role.AGENT], member_id=member_one().pk, reason="member_called", ticket="T-7",
                   channel="email", value="nueva.direccion@example.org")  # fmt: skip

    def links_to(address: str) -> int:
        recovery.recovery_link_send.enqueue(username_index(HOLDER_NIF), "es")
        run_queued_jobs()
        return sum(m.to == address for m in Message.objects.filter(template="password_reset"))

    assert links_to("nueva.direccion@example.org") == 0  # the only email is held: nothing goes out
    frozen_clock.advance(days=settings.RECOVERY_NEW_CONTACT_HOLD_DAYS)
    assert links_to("nueva.direccion@example.org") == 1
