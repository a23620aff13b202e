"""What we hold about a member, and the access export, generated from the data map (PRIV-7, PRIV-8).

The oracle is the database itself: every row written for member A after the snapshot (sign-ins,
sessions, codes, messages, consents, staff access, audit entries) plus A's enrollment rows must be
exported — each exported field of the map with the row's value — and nothing of member B.
"""

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from memberarea.core import clock, datamap
from memberarea.core.labels import event_label
from memberarea.enrollment.models import Membership, NameToken, Person, Policy
from memberarea.identity.models import Account, Role
from memberarea.identity.services import account_create
from memberarea.privacy import holdings
from tests.backoffice.conftest import make_staff
from tests.enrollment.records import import_members, import_policies, member_row, nif, policy_row
from tests.privacy.activity import member_activity

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-7"), pytest.mark.req("PRIV-8")]
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
PASSWORD = "Lindero7Azul"


@dataclass
class World:
    person: Person
    other: Person
    before: dict[str, set]  # the primary keys of every linked table before A's activity


def _member(number: int, policy: str) -> Account:
    import_policies(policy_row(policy_number=policy))
    import_members([member_row(number, policy_number=policy, email=f"persona{number}@example.invalid")])
    account = account_create(username=nif(f"{10000000 + number}"), password=PASSWORD, language="es")
    Person.objects.filter(memberships__member_number=f"M{number:06d}").update(account=account)
    return account


def _linked_models() -> list:
    return [
        model for model in apps.get_models() if model._meta.label in datamap.SUBJECTS and datamap.personal_fields(model)
    ]


@pytest.fixture
def world() -> World:
    with clock.frozen(NOW):
        staff = make_staff(Role.AGENT)
        other = _member(8, "POL-200")
        member_activity(other, staff, PASSWORD)
        import_policies(policy_row(policy_number="POL-100"))
        import_members([member_row(1, policy_number="POL-100")])
        before = {
            model._meta.label: set(model._default_manager.values_list("pk", flat=True)) for model in _linked_models()
        }
        account = account_create(username=nif("10000001"), password=PASSWORD, language="es")
        Person.objects.filter(memberships__member_number="M000001").update(account=account)
        member_activity(account, staff, PASSWORD)
    return World(person=Person.objects.get(account=account), other=Person.objects.get(account=other), before=before)


def _enrolled_rows(person: Person) -> dict[str, Callable]:
    """A's rows from the import, written before the snapshot."""
    return {
        "enrollment.Person": lambda: Person.objects.filter(pk=person.pk),
        "enrollment.Membership": lambda: Membership.objects.filter(person=person),
        "enrollment.Policy": lambda: Policy.objects.filter(memberships__person=person),
        "enrollment.NameToken": lambda: NameToken.objects.filter(membership__person=person),
    }


def _exported_by_the_map(model) -> list[str]:
    return [name for name in datamap.personal_fields(model) if datamap.rule_for(model, name).exported]


def _as_json(value):
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))


def _expected(world: World) -> dict[str, list[dict]]:
    """From the database: the rows written for A, each with every field the map exports."""
    expected = {}
    for model in _linked_models():
        label, names = model._meta.label, _exported_by_the_map(model)
        enrolled = _enrolled_rows(world.person).get(label)
        rows = enrolled() if enrolled else model._default_manager.exclude(pk__in=world.before[label])
        attributes = [(name, model._meta.get_field(name).attname) for name in names]
        values = [{name: getattr(row, attname) for name, attname in attributes} for row in rows.order_by("pk")]
        values = values if names else []
        if values:
            expected[label] = _as_json(values)
    return expected


def test_the_access_export_is_every_exported_field_of_every_row_of_the_member_and_nothing_else(world):
    with clock.frozen(NOW):
        export = holdings.access_export(world.person)

    expected = _expected(world)
    assert export["records"] == expected
    held = {"identity.Account", "identity.SessionRecord", "identity.LoginFlow", "identity.VerificationCode",
            "identity.TrustedDevice", "notifications.Message", "core.AuditEntry",
            "privacy.ConsentRecord", "privacy.ConsentChoice", "privacy.NoticeAcknowledgement",
            "members.StaffAccess", "enrollment.Membership", "enrollment.Person"}  # fmt: skip
    assert held <= set(export["records"]), "the world must hold rows of each kind, or the test proves little"
    (membership,) = export["records"]["enrollment.Membership"]
    assert membership["email"] == "persona1@example.invalid", "encrypted values are exported decrypted"
    assert len(export["records"]["privacy.ConsentRecord"]) == 2
    text = json.dumps(export)
    assert "persona8@example.invalid" not in text and str(world.other.pk) not in text


def test_credentials_are_never_exported(world):
    export = holdings.access_export(world.person)
    for label, rows in export["records"].items():
        model = apps.get_model(label)
        for name in rows[0]:
            assert datamap.declaration_for(model, name).category != datamap.CREDENTIAL
    assert "password" not in export["records"]["identity.Account"][0]
    assert "access_token_hash" not in export["records"]["identity.SessionRecord"][0]


def test_the_other_member_gets_their_own_rows_only(world):
    mine = holdings.Holdings(world.person)
    theirs = holdings.Holdings(world.other)
    assert theirs.rows(apps.get_model("identity", "SessionRecord")).count() == 2  # a browser and the app
    for model in _linked_models():
        overlap = set(mine.rows(model).values_list("pk", flat=True)) & set(
            theirs.rows(model).values_list("pk", flat=True)
        )
        shared = model._meta.label == "core.AuditEntry" and False
        assert not overlap or shared, model._meta.label


def test_json_html_and_the_csv_zip_carry_the_same_rows(world):
    with clock.frozen(NOW):
        export = holdings.access_export(world.person)
        streamed = json.loads("".join(holdings.export_json(world.person)))
        html = "".join(holdings.export_html(world.person))
        target = io.BytesIO()
        holdings.export_csv_zip(world.person, target)

    assert streamed == export
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == sorted(f"{label}.csv" for label in export["records"])
        consents = archive.read("privacy.ConsentRecord.csv").decode().splitlines()
    assert consents[0].split(",") == list(export["records"]["privacy.ConsentRecord"][0])
    assert len(consents) == 1 + len(export["records"]["privacy.ConsentRecord"])
    assert html.count("<h2>") == len(export["records"]) and "persona1@example.invalid" in html
    assert html.startswith("<!DOCTYPE html>") and html.endswith("</body></html>")


@pytest.mark.req("PRIV-8")
def test_the_readable_export_speaks_the_member_s_language_and_fits_a_phone(world):
    """Headings are the map's categories in the page's language, instants and dates are written for
    people, structured values read as "key: value", and wide tables scroll in their own box."""
    with clock.frozen(NOW), translation.override("es"):
        html = "".join(holdings.export_html(world.person))
        export = holdings.access_export(world.person)

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<h2>Actividad en el área de clientes" in html and "<small>core.AuditEntry</small>" in html
    assert html.count('<div class="records">') == len(export["records"])
    assert "{&quot;" not in html  # no JSON text left for a person to decode
    assert export["records"]["enrollment.Person"][0]["date_of_birth"] == "1985-03-12"
    assert "<td>12/03/1985</td>" in html and "<td>1985-03-12</td>" not in html
    with translation.override("es"):
        named = [(row["event"], event_label(row["event"])) for row in export["records"]["core.AuditEntry"]]
    assert named and all(f"<td>{escape(name)}</td>" in html and f"<td>{code}</td>" not in html for code, name in named)
    assert "<td>true</td>" not in html and "<td>false</td>" not in html and "<td>Sí</td>" in html


def test_a_person_with_no_rows_gets_a_valid_empty_export(db):
    import_policies(policy_row(policy_number="POL-300"))
    import_members([member_row(5, policy_number="POL-300")])
    person = Person.objects.get(memberships__member_number="M000005")
    Membership.objects.filter(person=person).delete()
    NameToken.objects.filter(membership__person=person).delete()
    (row,) = json.loads("".join(holdings.export_json(person)))["records"]["enrollment.Person"]
    assert row["date_of_birth"] == "1985-03-12" and row["id"] == str(person.pk)
    person_id = person.pk
    person.delete()
    person.pk = person_id  # nothing is left about this person id
    assert json.loads("".join(holdings.export_json(person)))["records"] == {}
    with translation.override("en"):
        assert "We hold no personal data about you." in "".join(holdings.export_html(person))


def test_the_summary_lists_every_model_with_personal_data_and_its_rows_without_a_value(world):
    summary = holdings.holdings_summary(world.person)
    expected = _expected(world)

    assert [entry["model"] for entry in summary["models"]] == sorted(model._meta.label for model in _linked_models())
    counts = {entry["model"]: entry["records"] for entry in summary["models"]}
    assert all(counts[label] == len(rows) for label, rows in expected.items())
    assert {entry["model"] for entry in summary["unlinked"]} == set(datamap.UNLINKED)
    categories = {entry["category"]: entry for entry in summary["categories"]}
    assert {datamap.CONTACT, datamap.NATIONAL_ID, datamap.ACTIVITY, datamap.CREDENTIAL} <= set(categories)
    kept = [rule for rule in categories[datamap.ACTIVITY]["rules"] if rule["duty"]]
    assert kept and all(rule["retention"] for rule in kept)
    assert "persona1@example.invalid" not in json.dumps(summary), "the summary never carries a value"


@pytest.mark.req("PERF-6")
def test_the_rows_of_every_model_are_one_query_with_no_ids_read_into_python(world):
    """A link through an id column (the audit log's subject_id: every session) is a subquery: finding
    the rows reads nothing until they are streamed, so memory does not grow with what the member holds."""
    mine = holdings.Holdings(world.person)
    with CaptureQueriesContext(connection) as queries:
        found = {model: mine.rows(model) for model in _linked_models()}
    assert len(queries) == 0
    audit = apps.get_model("core", "AuditEntry")
    sessions = set(mine.rows(apps.get_model("identity", "SessionRecord")).values_list("pk", flat=True))
    subjects = set(found[audit].values_list("subject_id", flat=True))
    assert {str(pk) for pk in sessions} <= subjects, "the session entries are found through the subquery"


@pytest.mark.req("PRIV-8")
def test_every_column_of_the_readable_export_is_headed_in_the_member_s_language(world):
    """The column heads are words for people in the page's language, for every field any export can
    carry: they were the raw field names ("Created at", "Body text", "Subject id") on a Spanish copy."""
    names = {name for model in holdings.linked_models() for kept in (False, True)
             for name in holdings.exported_fields(model, kept_only=kept)}  # fmt: skip
    with translation.override("en"):
        english = {name: holdings.column_label(name) for name in names}
    with translation.override("es"):
        spanish = {name: holdings.column_label(name) for name in names}
        html = "".join(holdings.export_html(world.person))

    assert [name for name in names if spanish[name] == english[name]] == []
    heads = re.findall(r'<th scope="col">([^<]*)<small>', html)
    assert heads and set(heads) <= set(spanish.values())
    assert "Created at" not in heads and "Creado el" in heads
