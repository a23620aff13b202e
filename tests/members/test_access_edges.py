"""The access check at its edges (GUARD-1, GUARD-3, BO-4): nobody signed in reaches a member no account
holds, a membership ending today is still current, and a staff access leaves a complete trace."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from memberarea.core.errors import MemberAreaError
from memberarea.core.models import AuditEntry
from memberarea.enrollment.models import Membership
from memberarea.identity.models import Role
from memberarea.identity.services import account_create
from memberarea.members.access import Purpose, access_member, members_for, today
from memberarea.members.models import StaffAccess
from tests.enrollment.records import nif
from tests.identity.registering import error_code
from tests.members.test_access import account_for, child, membership

pytestmark = pytest.mark.django_db


@pytest.mark.req("GUARD-3")
@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["no actor", "anonymous"])
def test_nobody_signed_in_reaches_a_member_that_no_account_holds(member_account, actor):
    """The child has no account of its own: an anonymous visitor's empty id must not match its empty link."""
    assert child().person.account_id is None
    assert error_code(access_member, actor=actor, member_id=child().pk, purpose=Purpose.VIEW) == "not_found"


@pytest.mark.req("GUARD-1")
def test_a_membership_is_current_up_to_and_including_its_last_day(member_account, frozen_clock):
    own = membership(1)
    Membership.objects.filter(pk=own.pk).update(end_date=today())
    assert [access.membership for access in members_for(member_account)][:1] == [own]
    Membership.objects.filter(pk=own.pk).update(end_date=today() - dt.timedelta(days=1))
    assert members_for(member_account) == []


@pytest.mark.req("BO-4")
def test_a_staff_access_records_who_why_when_and_for_what(enrolled, frozen_clock):
    agent = account_create(username="AGENT-2", password="Staff7Password", roles=(Role.AGENT,))
    target = membership(1)
    ticket = "T" * 64  # the longest reference accepted
    access = access_member(
        actor=agent, member_id=target.pk, purpose=Purpose.UNLOCK, reason="member_called", ticket=ticket
    )
    record = StaffAccess.objects.get()
    assert access.record == record
    assert (access.relation, access.membership) == ("staff", target)
    assert (record.purpose, record.ticket, record.at) == (Purpose.UNLOCK, ticket, frozen_clock.at)
    entry = AuditEntry.objects.get(event="staff.member_accessed")
    assert (entry.actor_id, entry.subject_id) == (str(agent.pk), str(target.pk))
    assert entry.data == {"purpose": Purpose.UNLOCK, "reason": "member_called", "access": str(record.pk)}


@pytest.mark.req("BO-4")
def test_a_missing_ticket_is_refused_with_both_fields_explained(enrolled):
    agent = account_create(username="AGENT-3", password="Staff7Password", roles=(Role.AGENT,))
    with pytest.raises(MemberAreaError) as refused:
        access_member(
            actor=agent, member_id=membership(1).pk, purpose=Purpose.RECORD, reason="member_called", ticket=None
        )
    assert refused.value.code == "invalid"
    assert set(refused.value.fields) == {"reason", "ticket"}
    assert not StaffAccess.objects.exists()


@pytest.mark.req("BO-4")
def test_a_staff_access_that_names_no_ticket_at_all_is_refused(enrolled):
    """A caller that forgets the ticket argument gets no default that would pass the gate."""
    agent = account_create(username="AGENT-4", password="Staff7Password", roles=(Role.AGENT,))
    with pytest.raises(MemberAreaError) as refused:
        access_member(actor=agent, member_id=membership(1).pk, purpose=Purpose.RECORD, reason="member_called")
    assert refused.value.code == "invalid" and "ticket" in refused.value.fields
    assert not StaffAccess.objects.exists()


@pytest.mark.req("GUARD-3")
def test_another_adult_of_the_policy_lists_only_themselves(member_account):
    spouse = account_for(2, nif("30000003"))
    assert [(a.membership.member_number, a.relation) for a in members_for(spouse)] == [("M000002", "self")]


@pytest.mark.req("GUARD-1")
def test_the_list_says_how_each_member_is_held(member_account):
    assert [(a.membership.member_number, a.relation) for a in members_for(member_account)] == [
        ("M000001", "self"),
        ("M000003", "guardian"),
    ]
