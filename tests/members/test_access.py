"""The one access check (GUARD-1..3, BO-1, BO-4): self, guardian of a minor on the same policy while a
minor, staff by the BO-1 table with a reason — and NOT_FOUND for everything else."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser

from memberarea.core import clock
from memberarea.core.models import AuditEntry
from memberarea.enrollment.models import Guardianship, Membership, Person
from memberarea.identity.models import Role
from memberarea.identity.services import account_create
from memberarea.members.access import Purpose, access_member, members_for
from memberarea.members.models import StaffAccess
from tests.enrollment.records import import_members, member_row, nif
from tests.identity.registering import error_code

pytestmark = pytest.mark.django_db
MADRID = ZoneInfo("Europe/Madrid")


def membership(number: int) -> Membership:
    return Membership.objects.select_related("person").get(member_number=f"M{number:06d}")


def account_for(number: int, document: str):
    """An account linked to member `number`'s person (as registration would)."""
    account = account_create(username=document, password="Lindero7Azul")
    Person.objects.filter(memberships__member_number=f"M{number:06d}").update(account=account)
    return account


def child() -> Membership:
    return membership(3)


@pytest.mark.req("GUARD-1")
def test_a_member_reaches_their_own_membership_and_their_minors(member_account):
    assert access_member(actor=member_account, member_id=membership(1).pk, purpose=Purpose.VIEW).relation == "self"
    assert access_member(actor=member_account, member_id=child().pk, purpose=Purpose.VIEW).relation == "guardian"
    assert [a.membership.member_number for a in members_for(member_account)] == ["M000001", "M000003"]


@pytest.mark.req("GUARD-1")
def test_the_minors_come_in_alphabetical_order_as_people_read_it(member_account):
    policy = membership(1).policy.number
    import_members([member_row(8, policy_number=policy, date_of_birth="2015-01-01", relationship="child",
                               first_name="Álvaro", document_type="", document_number="", email="",
                               mobile="")])  # fmt: skip
    Guardianship.objects.create(guardian=membership(1), minor=membership(8), created_at=clock.now())
    Membership.objects.filter(member_number="M000003").update(first_name="Zoe")
    names = [a.membership.first_name for a in members_for(member_account)][1:]
    assert names == ["Álvaro", "Zoe"]  # by code point "Á" would follow "Z"


@pytest.mark.req("GUARD-3")
def test_another_adult_of_the_same_policy_reaches_neither_the_holder_nor_the_child(member_account):
    spouse = account_for(2, nif("30000003"))
    for number in (1, 3):
        assert error_code(access_member, actor=spouse, member_id=membership(number).pk, purpose="view") == "not_found"


@pytest.mark.req("GUARD-3")
def test_a_guardianship_on_another_policy_gives_nothing(member_account):
    import_members([member_row(7, policy_number="POL-END", date_of_birth="2014-01-01", relationship="child",
                               document_type="", document_number="", email="", mobile="")])  # fmt: skip
    other = membership(7)
    Guardianship.objects.create(guardian=membership(1), minor=other, created_at=clock.now())
    assert error_code(access_member, actor=member_account, member_id=other.pk, purpose="view") == "not_found"
    assert "M000007" not in [a.membership.member_number for a in members_for(member_account)]


@pytest.mark.req("GUARD-2")
@pytest.mark.parametrize(
    ("instant", "allowed"),
    [(dt.datetime(2033, 5, 31, 23, 59), True), (dt.datetime(2033, 6, 1, 0, 0), False)],
    ids=["23:59 the day before", "00:00 on the 18th birthday"],
)
def test_guardian_access_ends_at_the_start_of_the_18th_birthday_in_madrid(member_account, instant, allowed):
    with clock.frozen(instant.replace(tzinfo=MADRID)):
        granted = [a.membership.member_number for a in members_for(member_account)]
        if allowed:
            assert access_member(actor=member_account, member_id=child().pk, purpose="view").relation == "guardian"
        else:
            assert error_code(access_member, actor=member_account, member_id=child().pk, purpose="view") == "not_found"
    assert ("M000003" in granted) is allowed


@pytest.mark.req("GUARD-2")
def test_born_on_29_february_comes_of_age_on_1_march(member_account):
    person = child().person
    person.date_of_birth = dt.date(2016, 2, 29)
    person.save()
    with clock.frozen(dt.datetime(2034, 2, 28, 23, 59, tzinfo=MADRID)):
        assert access_member(actor=member_account, member_id=child().pk, purpose="view")
    with clock.frozen(dt.datetime(2034, 3, 1, 0, 0, tzinfo=MADRID)):
        assert error_code(access_member, actor=member_account, member_id=child().pk, purpose="view") == "not_found"


@pytest.mark.req("GUARD-3")
@pytest.mark.parametrize("member_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", ""])
def test_unknown_or_malformed_ids_are_not_found(member_account, member_id):
    assert error_code(access_member, actor=member_account, member_id=member_id, purpose="view") == "not_found"


@pytest.mark.req("GUARD-3")
def test_members_only_view(member_account):
    assert error_code(access_member, actor=member_account, member_id=child().pk, purpose="record") == "not_found"


@pytest.mark.req("BO-1")
@pytest.mark.parametrize(
    ("role", "purpose", "granted"),
    [
        (Role.AGENT, Purpose.RECORD, True), (Role.AGENT, Purpose.ASSIST, True), (Role.AGENT, Purpose.UNLOCK, True),
        (Role.AGENT, Purpose.FREEZE, False), (Role.AGENT, Purpose.DELIVERIES, True),
        (Role.PRIVACY_OFFICER, Purpose.RECORD, True), (Role.PRIVACY_OFFICER, Purpose.ASSIST, False),
        (Role.PRIVACY_OFFICER, Purpose.DELIVERIES, False),
        (Role.SECURITY_OFFICER, Purpose.RECORD, True), (Role.SECURITY_OFFICER, Purpose.FREEZE, True),
        (Role.SECURITY_OFFICER, Purpose.ASSIST, False), (Role.SECURITY_OFFICER, Purpose.UNLOCK, True),
        (Role.ADMINISTRATOR, Purpose.RECORD, False),
        *((Role.MARKETING, purpose, False) for purpose in (Purpose.RECORD, Purpose.ASSIST, Purpose.UNLOCK,
                                                           Purpose.FREEZE, Purpose.DELIVERIES)),
    ],
)  # fmt: skip
def test_staff_purposes_follow_the_bo1_table(enrolled, role, purpose, granted):
    staff = account_create(username=f"STAFF-{role}", password="Staff7Password", roles=(role,))
    target = membership(1).pk
    if granted:
        assert access_member(actor=staff, member_id=target, purpose=purpose, reason="member_called", ticket="T-1")
    else:
        assert error_code(access_member, actor=staff, member_id=target, purpose=purpose, reason="member_called",
                          ticket="T-1") == "forbidden"  # fmt: skip


@pytest.mark.req("BO-1")
@pytest.mark.parametrize("role", list(Role))
def test_staff_do_not_see_members_through_the_member_area(enrolled, role):
    staff = account_create(username=f"STAFF-{role}", password="Staff7Password", roles=(role,))
    assert error_code(access_member, actor=staff, member_id=membership(1).pk, purpose=Purpose.VIEW) == "not_found"


@pytest.mark.req("BO-4")
def test_staff_need_a_reason_and_a_ticket_and_each_access_is_recorded(enrolled):
    agent = account_create(username="AGENT-1", password="Staff7Password", roles=(Role.AGENT,))
    target = membership(1)
    for reason, ticket in (("", "T-9"), ("member_called", ""), ("because", "T-9"), ("member_called", "x" * 65)):
        assert error_code(access_member, actor=agent, member_id=target.pk, purpose="record", reason=reason,
                          ticket=ticket) == "invalid"  # fmt: skip
    assert not StaffAccess.objects.exists()
    access_member(actor=agent, member_id=target.pk, purpose="record", reason="member_called", ticket=" T-9 ")
    record = StaffAccess.objects.get()
    assert (record.staff, record.membership, record.reason, record.ticket) == (agent, target, "member_called", "T-9")
    assert AuditEntry.objects.filter(event="staff.member_accessed", subject_id=str(target.pk)).count() == 1


@pytest.mark.req("GUARD-3")
def test_nobody_signed_in_gets_nothing(enrolled):
    assert error_code(access_member, actor=AnonymousUser(), member_id=membership(1).pk, purpose="view") == "not_found"
