"""The record of processing (PRIV-7): generated from the data map and the settings, a row per purpose ×
category, downloadable by the privacy officer only, as CSV and PDF."""

import csv
import io

import pytest
from django.apps import apps
from django.test import override_settings
from django.utils import translation

from memberarea.core import datamap
from memberarea.identity.models import Role
from memberarea.privacy.processing import processing_csv, processing_pdf
from tests.backoffice.conftest import client_for, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-7")]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _map_pairs() -> set[tuple[str, str]]:
    """(purpose label, category label) of every personal field of every installed model, from the map."""
    return {
        (str(datamap.PURPOSE_LABELS[purpose]), str(datamap.CATEGORY_LABELS[declaration.category]))
        for model in apps.get_models()
        for _name, declaration in datamap.personal_declarations(model)
        for purpose in declaration.purposes
    }


def _rows(language: str = "en") -> list[list[str]]:
    return list(csv.reader(io.StringIO(processing_csv(language))))


def test_the_csv_has_one_row_per_purpose_and_category_of_the_map():
    header, *rows = _rows()
    assert header[:2] == ["Purpose", "Category of personal data"]
    assert [tuple(row[:2]) for row in rows] == sorted(
        set((row[0], row[1]) for row in rows), key=[tuple(r[:2]) for r in rows].index
    )
    assert {(row[0], row[1]) for row in rows} == _map_pairs() and len(rows) == len(_map_pairs())


def test_each_row_names_subjects_recipients_retention_duties_and_tables():
    header, *rows = _rows()
    by_pair = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows}
    audit = by_pair[(str(datamap.PURPOSE_LABELS[datamap.SECURITY]), str(datamap.CATEGORY_LABELS[datamap.ACTIVITY]))]
    assert "core.AuditEntry" in audit["Tables"] and "6 years from when it is recorded" in audit["Retention"]
    assert str(datamap.DUTY_AUDIT) in audit["Kept under a legal duty"]
    assert audit["Data subjects"] == str(datamap.PURPOSE_SUBJECTS[datamap.SECURITY])
    assert "Mensajes Ejemplo S.L. (ES)" in audit["Recipients"] and audit["Transfers outside the EEA"] == "none"
    health = [row for row in rows if row[1] == str(datamap.CATEGORY_LABELS[datamap.HEALTH])]
    assert all(row[2] == "yes" for row in health)


def test_a_recipient_outside_the_eea_is_a_transfer_with_its_safeguard():
    abroad = [{"name": "Survey platform", "country": "US", "safeguard": "standard contractual clauses",
               "purposes": [datamap.MARKETING]}]  # fmt: skip
    with override_settings(PRIVACY_RECIPIENTS=abroad):
        header, *rows = _rows()
    marketing = [
        dict(zip(header, row, strict=True)) for row in rows if row[0] == str(datamap.PURPOSE_LABELS[datamap.MARKETING])
    ]
    assert marketing and all(
        row["Transfers outside the EEA"] == "Survey platform (US): standard contractual clauses" for row in marketing
    )


def test_the_record_speaks_the_officer_s_language_and_the_pdf_renders():
    assert _rows("es")[0][0] == "Finalidad"
    content = processing_pdf("es")
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF") and len(content) > 5000


def test_only_the_privacy_officer_downloads_it(db):
    officer = client_for(make_staff(Role.PRIVACY_OFFICER))
    page = officer.get("/staff/privacy/processing/")
    assert page.status_code == 200 and b"/staff/privacy/processing.csv" in page.content
    download = officer.get("/staff/privacy/processing.csv")
    assert download["Content-Type"].startswith("text/csv") and "attachment" in download["Content-Disposition"]
    assert officer.get("/staff/privacy/processing.pdf")["Content-Type"] == "application/pdf"
    agent = client_for(make_staff(Role.AGENT))
    assert agent.get("/staff/privacy/processing.csv").status_code == 403
