"""The aggregate reports (PRIV-11) over members made by the import: counts by province and age band, by
province and policy kind, consent by purpose; small counts suppressed on the page and in the CSV, for
the privacy officer only (BO-1)."""

import csv
import io

import pytest

from memberarea.core.models import AuditEntry
from memberarea.identity.models import Role
from memberarea.privacy.aggregates import (
    aggregate_report,
    consent_by_purpose,
    members_by_province_and_age,
    memberships_by_province_and_policy,
)
from memberarea.privacy.consent import consent_set
from memberarea.privacy.erasure import erase_person
from memberarea.privacy.models import ConsentMethod, ConsentPurpose
from tests.backoffice.conftest import client_for, make_staff
from tests.enrollment.records import import_members, import_policies, member_row, policy_row
from tests.members.family import account_for, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-11")]

MADRID_ADULTS, MADRID_YOUNG, SEVILLE_ADULTS = 30, 4, 14  # the 4 young members of Madrid are a small count


@pytest.fixture
def staff(db):
    return {role: make_staff(role) for role in Role}


@pytest.fixture
def population(frozen_clock):
    import_policies(policy_row(), policy_row(policy_number="POL-200", policy_type="family"))
    rows = [member_row(number, date_of_birth="1985-03-12") for number in range(1, MADRID_ADULTS + 1)]
    rows += [
        member_row(number, date_of_birth="2000-06-01", policy_number="POL-200")
        for number in range(100, 100 + MADRID_YOUNG)
    ]
    rows += [
        member_row(number, date_of_birth="1960-01-01", postal_code="41001", city="Sevilla", province="Sevilla")
        for number in range(200, 200 + SEVILLE_ADULTS)
    ]
    batch = import_members(rows)
    assert not batch.rejected


def test_members_are_counted_by_province_and_age_band_with_small_counts_suppressed(population):
    report = members_by_province_and_age()
    assert report.rows == ["28 Madrid", "41 Sevilla"]
    madrid, seville = report.table.cells
    assert madrid[1] is None  # 4 members aged 18 to 29: suppressed
    assert madrid[2] is None  # and 30 aged 30 to 44 with it, or the row total would give the 4 away
    assert seville[4] == SEVILLE_ADULTS or seville[4] is None  # aged 66: 65 and over
    published = [value for row in report.table.cells for value in row if value is not None]
    published += [value for value in (*report.table.row_totals, *report.table.column_totals) if value is not None]
    assert not [value for value in published if 1 <= value <= 10]


def test_memberships_are_counted_by_province_and_policy_kind(population):
    report = memberships_by_province_and_policy()
    assert report.columns[:2] == ["Individual", "Family"] or report.columns[:2] == ["Individual", "Familiar"]
    madrid = report.table.cells[0]
    assert madrid[1] is None and madrid[0] is None  # 4 on a family policy, so the 30 individual ones hide too


def test_an_erased_member_is_no_longer_counted_as_a_member_of_unknown_place_and_age_126(population):
    """Erasure leaves the membership row with "nothing" values (no postal code, born 1 January 1900):
    counting it would add a member over 65 outside Spain who does not exist."""
    erased = membership(200).person
    erase_person(person=erased, actor=None, reference="test")
    by_age = members_by_province_and_age()
    by_policy = memberships_by_province_and_policy()
    assert by_age.rows == by_policy.rows == ["28 Madrid", "41 Sevilla"]
    assert by_age.table.cells[1][4] in (SEVILLE_ADULTS - 1, None)  # 13 aged 66, or hidden with the small ones


def test_consent_rates_are_shown_only_where_both_counts_are_published(population):
    accounts = [account_for(number) for number in range(1, 13)]
    for account in accounts:
        consent_set(
            account=account,
            changes={ConsentPurpose.MARKETING_EMAIL: True},
            method=ConsentMethod.WEB_FORM,
            language="es",
        )
    rows = dict(zip(ConsentPurpose.values, consent_by_purpose().lines, strict=True))
    assert rows["marketing_email"][1:] == ([12, 0], 12, "100 %")

    for index, account in enumerate(accounts):
        consent_set(
            account=account, changes={ConsentPurpose.SURVEYS: index < 2}, method=ConsentMethod.WEB_FORM, language="es"
        )
    lines = consent_by_purpose().lines
    rows = dict(zip(ConsentPurpose.values, lines, strict=True))
    assert rows["surveys"][1][0] is None and rows["surveys"][3] == ""  # 2 given of 12: no share shown
    assert all(bool(rate) == (cells[0] is not None and bool(total)) for _label, cells, total, rate in lines)


def test_the_page_and_the_csv_mark_suppressed_cells_and_explain_them(population, staff):
    client = client_for(staff[Role.PRIVACY_OFFICER])
    page = client.get("/staff/privacy/aggregates/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "suprimido" in page or "suppressed" in page
    assert 'class="bar-chart wide"' in page and "<script" not in page.split("<main")[1]
    hidden_bands = [total for total in aggregate_report("age").table.column_totals if total is None]
    drawings = [part.split("</svg>")[0] for part in page.split("<svg")[1:]]  # for a wide column and a phone's
    assert ['class="bar-chart wide"' in drawings[0], 'class="bar-chart narrow"' in drawings[1]] == [True, True]
    marks = [drawing.count('class="suppressed-mark">suprimido</text>') for drawing in drawings]
    assert hidden_bands and marks == [len(hidden_bands)] * 2

    answer = client.get("/staff/privacy/aggregates/age.csv")
    assert answer["Content-Type"].startswith("text/csv") and answer["Cache-Control"] == "no-store"
    table = list(csv.reader(io.StringIO(answer.content.decode())))
    header, madrid, _seville, _totals, meaning = table
    assert header[0] == "Provincia" and madrid[0] == "28 Madrid" and madrid[2] == "suprimido"
    assert "1 a 10" in meaning[0]
    assert AuditEntry.objects.filter(event="aggregate.exported").count() == 1


@pytest.mark.req("BO-1")
def test_only_the_privacy_officer_sees_the_reports(staff):
    answers = {
        role: client_for(account).get("/staff/privacy/aggregates/").status_code for role, account in staff.items()
    }
    assert answers == {role: 200 if role == Role.PRIVACY_OFFICER else 403 for role in staff}
    assert client_for(staff[Role.PRIVACY_OFFICER]).get("/staff/privacy/aggregates/nothing.csv").status_code == 404
