"""The enrollment import as deltas: good rows, bad rows, idempotence, end dates, re-joiners (ENR-1, ENR-2)."""

import datetime as dt

import pytest
from django.db import connection

from memberarea.core.models import AuditEntry
from memberarea.enrollment.models import Guardianship, ImportRowError, Membership, Person, Policy
from memberarea.enrollment.services import person_account_link, suppression_add
from memberarea.identity.services import account_create

from .records import errors_of, import_members, import_policies, member_row, nif, policy_row

pytestmark = pytest.mark.django_db


@pytest.mark.req("ENR-1")
@pytest.mark.req("ENR-2")
def test_good_rows_create_policies_members_persons_and_guardians():
    import_policies(policy_row(), policy_row(policy_number="POL-200", policy_type="corporate"))
    batch = import_members(
        [
            member_row(1),
            member_row(2, relationship="spouse_partner", document_type="nie", document_number="X2345678T"),
            member_row(
                3,
                relationship="child",
                date_of_birth="2016-05-01",
                document_type="",
                document_number="",
                guardian_member_numbers="M-000001; m-000002",
            ),
            member_row(
                4, policy_number="POL-200", document_type="passport", document_number="pa 12345", document_country="gb"
            ),
        ]
    )
    assert (batch.rows, batch.created, batch.rejected) == (4, 4, 0)
    holder = Membership.objects.select_related("person", "policy").get(member_number="M000001")
    assert holder.policy.number == "POL100"
    assert holder.email == "persona1@example.invalid"
    assert holder.mobile == "+34600000001"
    assert holder.street == "Calle Falsa 123"
    assert holder.email_from_insurer and holder.email_verified and holder.mobile_verified
    assert holder.person.date_of_birth == dt.date(1985, 3, 12)
    assert (holder.person.document_type, holder.person.document_number) == ("nif", nif("10000001"))
    passport = Person.objects.get(memberships__member_number="M000004")
    assert (passport.document_number, passport.document_country) == ("PA12345", "GB")
    guardians = set(
        Guardianship.objects.filter(minor__member_number="M000003").values_list("guardian__member_number", flat=True)
    )
    assert guardians == {"M000001", "M000002"}


@pytest.mark.req("ENR-2")
def test_each_bad_row_is_reported_by_row_field_and_code_and_the_good_rows_are_applied():
    import_policies()
    records = [
        member_row(1),  # row 2: good
        member_row(2, first_name="", date_of_birth=""),  # row 3
        member_row(3, date_of_birth="1985-02-30"),  # row 4
        member_row(4, start_date="12/03/2020"),  # row 5
        member_row(5, policy_number="POL-404"),  # row 6
        member_row(1, first_name="Otra"),  # row 7: member number already in this file
        member_row(7, mobile="912 34 56 78"),  # row 8: a fixed line
        member_row(8, mobile="12"),  # row 9
        member_row(9, document_number="00000000T"),  # row 10: placeholder
        member_row(10, document_number="12345678A"),  # row 11: wrong letter
        member_row(11, email="not-an-email"),  # row 12
        member_row(12, relationship="cousin"),  # row 13
        member_row(13, document_type="passport", document_number="AB1", document_country="FR"),  # row 14
        member_row(14, document_type="passport", document_number="AB12345", document_country=""),  # row 15
        member_row(15),  # row 16: good
        member_row(16, end_date="2019-01-01"),  # row 17: ends before it starts
    ]
    batch = import_members(records)
    assert errors_of(batch) == {
        (3, "first_name", "required"),
        (3, "date_of_birth", "required"),
        (4, "date_of_birth", "invalid_date"),
        (5, "start_date", "invalid_date"),
        (6, "policy_number", "unknown_policy"),
        (7, "member_number", "duplicate_member_number"),
        (8, "mobile", "invalid_phone"),
        (9, "mobile", "invalid_phone"),
        (10, "document_number", "invalid_document"),
        (11, "document_number", "invalid_document"),
        (12, "email", "invalid_email"),
        (13, "relationship", "invalid_choice"),
        (14, "document_number", "invalid_document"),
        (15, "document_country", "required"),
        (17, "end_date", "invalid_date"),
    }
    assert set(Membership.objects.values_list("member_number", flat=True)) == {"M000001", "M000015"}
    assert (batch.created, batch.rejected) == (2, 14)
    assert Membership.objects.get(member_number="M000001").first_name == "Nombre"  # the duplicate was not applied


@pytest.mark.req("ENR-2")
def test_errors_hold_no_personal_value():
    import_policies()
    batch = import_members([member_row(1, email="ana.garcia@@example.invalid", document_number="99999999R")])
    stored = " ".join(f"{e.row} {e.field} {e.code}" for e in ImportRowError.objects.filter(batch=batch))
    assert "ana.garcia" not in stored
    assert "99999999" not in stored


@pytest.mark.req("ENR-2")
def test_re_running_the_same_records_changes_nothing():
    import_policies()
    records = [member_row(n) for n in range(1, 6)] + [
        member_row(6, relationship="child", date_of_birth="2015-01-01", guardian_member_numbers="M-000001")
    ]
    import_members(records)
    before = _table_contents()
    audit_before = AuditEntry.objects.count()
    again = import_members(records)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert _table_contents() == before
    assert AuditEntry.objects.count() == audit_before + 1  # the import's own entry, with no change in it


@pytest.mark.req("ENR-2")
def test_an_explicit_end_date_ends_a_membership_and_absence_deletes_nothing():
    import_policies()
    import_members([member_row(1), member_row(2)])
    delta = import_members([member_row(1, end_date="2026-06-30")])
    assert (delta.updated, delta.ended) == (1, 1)
    assert Membership.objects.get(member_number="M000001").end_date == dt.date(2026, 6, 30)
    assert Membership.objects.get(member_number="M000002").end_date is None
    import_members([member_row(3)])
    assert Membership.objects.count() == 3


@pytest.mark.req("ENR-2")
def test_policies_are_deltas_too():
    import_policies()
    updated = import_policies(policy_row(status="ended", end_date="2026-01-31"))
    assert updated.policies_updated == 1
    policy = Policy.objects.get(number="POL100")
    assert (policy.status, policy.end_date) == ("ended", dt.date(2026, 1, 31))
    assert import_policies(policy_row(status="ended", end_date="2026-01-31")).policies_updated == 0


@pytest.mark.req("ENR-1")
@pytest.mark.req("ENR-2")
def test_a_re_joining_person_is_linked_to_the_existing_person_and_account():
    import_policies(policy_row(), policy_row(policy_number="POL-200", policy_type="corporate"))
    import_members([member_row(1, end_date="2024-12-31")])
    person = Person.objects.get(memberships__member_number="M000001")
    account = account_create(username=nif("10000001"), password="Secret123abc")
    person_account_link(person=person, account=account, actor_id="test")
    batch = import_members([member_row(900, policy_number="POL-200", document_number=nif("10000001"))])
    assert (batch.created, batch.rejoined) == (1, 1)
    rejoined = Membership.objects.select_related("person").get(member_number="M000900")
    assert rejoined.person_id == person.pk
    assert rejoined.person.account_id == account.pk
    assert Person.objects.count() == 1


@pytest.mark.req("ENR-2")
def test_the_same_document_with_another_birth_date_is_a_conflict_not_a_link():
    import_policies()
    import_members([member_row(1)])
    batch = import_members([member_row(2, document_number=nif("10000001"), date_of_birth="1990-01-01")])
    assert errors_of(batch) == {(2, "document_number", "document_conflict")}
    assert Person.objects.count() == 1


@pytest.mark.req("ENR-4")
def test_member_and_policy_numbers_are_stored_upper_case_without_spaces_or_hyphens():
    import_policies(policy_row(policy_number=" pol-f 2001 "))
    import_members([member_row(1, member_number="ma–2001 01", policy_number="POL-F-2001")])
    assert Policy.objects.get().number == "POLF2001"
    assert Membership.objects.get().member_number == "MA200101"
    again = import_members([member_row(1, member_number="MA200101", policy_number="polf2001")])
    assert (again.created, again.unchanged) == (0, 1)


@pytest.mark.req("ENR-2")
@pytest.mark.req("PRIV-8")
def test_imports_skip_persons_on_the_suppression_list():
    import_policies()
    import_members([member_row(1)])
    person = Person.objects.get()
    suppression_add(person=person, actor_id="test")
    batch = import_members([member_row(2, document_number=nif("10000001"))])
    assert (batch.created, batch.suppressed) == (0, 1)
    assert not Membership.objects.filter(member_number="M000002").exists()


@pytest.mark.req("ENR-2")
def test_a_guardian_named_before_its_own_row_is_linked_at_the_end():
    import_policies()
    minor = member_row(2, relationship="child", date_of_birth="2015-01-01", guardian_member_numbers="M-000001")
    batch = import_members([minor, member_row(1)], chunk_size=1)
    assert batch.rejected == 0
    assert Guardianship.objects.get().guardian.member_number == "M000001"
    unknown = import_members(
        [member_row(3, relationship="child", date_of_birth="2015-01-01", guardian_member_numbers="M-404")]
    )
    assert errors_of(unknown) == {(2, "guardian_member_numbers", "unknown_guardian")}


@pytest.mark.req("ENR-1")
def test_a_contact_the_member_replaced_is_not_overwritten_by_the_next_import():
    import_policies()
    import_members([member_row(1)])
    membership = Membership.objects.get()
    membership.email, membership.email_from_insurer = "nueva@example.invalid", False
    membership.save()
    import_members([member_row(1, email="otra@example.invalid", city="Toledo")])
    membership = Membership.objects.get()
    assert (membership.email, membership.city) == ("nueva@example.invalid", "Toledo")


def _table_contents() -> dict[str, list]:
    tables = ["enrollment_person", "enrollment_policy", "enrollment_membership", "enrollment_guardianship"]
    with connection.cursor() as cursor:
        contents = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            contents[table] = cursor.fetchall()
    return contents


@pytest.mark.req("ENR-1")
@pytest.mark.req("ENR-2")
def test_each_policy_kind_is_imported_and_an_unknown_one_is_refused():
    kinds = ["individual", "family", "corporate", "international"]
    batch = import_policies(
        *[policy_row(policy_number=f"POL-K{n}", policy_type=kind) for n, kind in enumerate(kinds)],
        policy_row(policy_number="POL-K9", policy_type="household"),
    )
    assert batch.rejected == 1 and {(field, code) for _, field, code in errors_of(batch)} == {
        ("policy_type", "invalid_choice")
    }
    assert [Policy.objects.get(number=f"POLK{n}").type for n in range(4)] == kinds
