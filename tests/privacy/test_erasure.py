"""Erasure (PRIV-8): what the map erases goes, what it anonymises is coarsened, what a duty keeps stays and
is listed; the account is closed, the person suppressed from imports, and nobody else is touched.

Member 1 (distinctive values, so a dump search means something) shares policy POL-100 with member 2;
member 8 is someone else on POL-200. Both 1 and 8 have been active (sessions, codes, devices, consents…).
"""

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import Client

from memberarea.core import clock, datamap
from memberarea.enrollment.models import Membership, Person, Policy, SuppressedPerson
from memberarea.identity.models import Account, Role, SessionRecord, TrustedDevice
from memberarea.identity.services import account_create
from memberarea.notifications.models import IntegrationMessage
from memberarea.privacy import holdings
from memberarea.privacy.erasure import erase_person, kept_for
from memberarea.privacy.models import ProcessingRestriction
from tests.backoffice.conftest import make_staff
from tests.enrollment.records import database_dump, import_members, import_policies, member_row, nif, policy_row
from tests.privacy.activity import member_activity

pytestmark = [pytest.mark.req("PRIV-8")]
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
PASSWORD = "Lindero7Azul"
DOCUMENT = nif("47381925")
ERASED_VALUES = {
    "first_name": "Zenobia",
    "last_name": "Quimbayarrut",
    "email": "zenobia.quimbaya@borrar.invalid",
    "mobile": "+34699887766",
    "street": "Calle Zarzaparrilla 77",
    "document": DOCUMENT,
    "birth": "1979-11-23",
}


@dataclass
class World:
    person: Person
    other: Person
    staff: Account


def member_one_row(**overrides) -> dict:
    return member_row(
        1,
        first_name=ERASED_VALUES["first_name"],
        last_name=ERASED_VALUES["last_name"],
        email=ERASED_VALUES["email"],
        mobile=ERASED_VALUES["mobile"],
        address_line1=ERASED_VALUES["street"],
        document_number=DOCUMENT,
        date_of_birth=ERASED_VALUES["birth"],
        **overrides,
    )


def erased_forms() -> list[str]:
    """Each erased value as a dump could show it: as written, case-folded, and the birth date's other forms."""
    birth = dt.date.fromisoformat(ERASED_VALUES["birth"])
    forms = [*ERASED_VALUES.values(), birth.strftime("%d/%m/%Y"), birth.strftime("%Y%m%d"), "699887766"]
    return forms + [form.casefold() for form in forms]


def build_world() -> World:
    with clock.frozen(NOW):
        staff = make_staff(Role.AGENT)
        import_policies(policy_row(policy_number="POL-100"), policy_row(policy_number="POL-200"))
        batch = import_members(
            [
                member_one_row(),
                member_row(2, relationship="spouse_partner"),
                member_row(8, policy_number="POL-200"),
            ]
        )
        assert (batch.created, batch.rejected) == (3, 0)
        for number, document in ((1, DOCUMENT), (8, nif("10000008"))):
            account = account_create(username=document, password=PASSWORD, language="es")
            Person.objects.filter(memberships__member_number=f"M{number:06d}").update(account=account)
            member_activity(account, staff, PASSWORD)
    return World(
        person=Person.objects.get(memberships__member_number="M000001"),
        other=Person.objects.get(memberships__member_number="M000008"),
        staff=staff,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def erase(world: World):
    with clock.frozen(NOW + dt.timedelta(days=3)):
        return erase_person(person=world.person, actor=world.staff, reference="request-1")


def test_the_report_counts_what_went_and_lists_what_is_kept_without_a_value(world):
    report = erase(world)

    assert not report.already_erased
    assert report.deleted["identity.SessionRecord"] == 2 and report.deleted["identity.TrustedDevice"] == 1
    assert report.erased["name"] >= 1 and report.erased["contact"] >= 1 and report.anonymised["activity"] >= 1
    reasons = {(item.category, item.reason) for item in report.kept}
    assert ("preference", str(datamap.DUTY_CONSENT)) in reasons
    assert ("activity", str(datamap.DUTY_AUDIT)) in reasons
    assert all(item.period for item in report.kept)
    assert not [value for value in ERASED_VALUES.values() if value in json.dumps(report.__dict__, default=str)]
    assert report.kept == kept_for(world.person)


def test_a_second_erasure_changes_nothing(world):
    first = erase(world)
    dump = database_dump()

    second = erase(world)

    assert second.already_erased and (second.erased, second.deleted) == (first.erased, first.deleted)
    assert database_dump() == dump


def test_the_next_export_carries_only_the_fields_kept_under_a_duty(world):
    erase(world)

    export = holdings.access_export(world.person)

    records = export["records"]
    assert {"privacy.ConsentRecord", "core.AuditEntry", "privacy.ProcessingRestriction", "members.StaffAccess"} <= set(
        records
    )
    for label, rows in records.items():
        model = apps.get_model(label)
        for name in rows[0]:
            assert datamap.rule_for(model, name).kept, f"{label}.{name} was to be erased"
    text = json.dumps(export)
    assert [form for form in erased_forms() if form in text] == []


def test_the_account_is_closed_restricted_and_its_sessions_and_devices_gone(world):
    account = world.person.account
    erase(world)

    account.refresh_from_db()
    assert not account.is_active and account.username == "" and account.username_index.startswith("erased-")
    assert not SessionRecord.objects.filter(account=account).exists()
    assert not TrustedDevice.objects.filter(account=account).exists()
    assert ProcessingRestriction.objects.filter(account=account, lifted_at__isnull=True).exists()


@pytest.mark.req("LOGIN-1")
def test_the_erased_member_signing_in_is_answered_as_a_stranger(world):
    erase(world)
    api = Client(HTTP_ACCEPT_LANGUAGE="en")

    def sign_in(username: str):
        return api.post(
            "/api/v1/login",
            json.dumps({"username": username, "password": PASSWORD}),
            content_type="application/json",
        )

    erased, stranger = sign_in(DOCUMENT), sign_in(nif("10000099"))
    assert (erased.status_code, erased.json()) == (stranger.status_code, stranger.json())
    assert erased.json()["error"]["code"] == "invalid_credentials"


@pytest.mark.req("ENR-2")
def test_the_next_import_skips_the_erased_person_by_document_or_by_member_number(world):
    erase(world)

    again = import_members([member_one_row()])
    renumbered = import_members([member_one_row(member_number="M-000077")])
    without_document = import_members([member_row(1, document_type="", document_number="")])

    assert [(b.created, b.updated, b.suppressed) for b in (again, renumbered, without_document)] == [(0, 0, 1)] * 3
    assert not Membership.objects.filter(member_number__in=["M000001", "M000077"]).exists()
    assert SuppressedPerson.objects.count() == 2  # the document (with the birth date) and the member number


def test_nobody_else_is_touched(world):
    theirs = holdings.access_export(world.other)
    spouse_policy = Policy.objects.get(number="POL100")

    erase(world)

    assert holdings.access_export(world.other)["records"] == theirs["records"]
    assert Policy.objects.get(pk=spouse_policy.pk).holder_name == spouse_policy.holder_name  # shared with member 2
    assert Membership.objects.get(member_number="M000002").first_name == "Nombre"


def test_the_core_system_is_told_once_with_the_member_number_only(world):
    erase(world)
    erase(world)

    (message,) = IntegrationMessage.objects.filter(topic="core.member_erasure")
    assert json.loads(message.payload) == {"member_numbers": ["M000001"], "erased_at": "2026-03-05T09:30:00+00:00"}
    assert message.reference == "core.member_erasure:request-1" and message.person_id == world.person.pk
