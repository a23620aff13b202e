"""The record of processing (GDPR art. 30 style, PRIV-7), generated from the data map and the settings.

One row per purpose × category of personal data the map declares: the data subjects (from the map's
purposes), the sources, the recipients and transfers (the `PRIVACY_RECIPIENTS` setting), the retention
periods and legal duties (the map's rules) and the tables that hold it. The privacy officer downloads
it from the back office as CSV and PDF; nothing in it is written by hand, so a new field shows up in
the next download.
"""

import csv
import io

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from memberarea.core import clock, datamap
from memberarea.core.brand import brand
from memberarea.members.card import latin1

from .holdings import field_rules

COLUMNS = (
    "purpose",
    "category",
    "special",
    "subjects",
    "sources",
    "recipients",
    "transfers",
    "retention",
    "duties",
    "tables",
)


def _headings() -> dict[str, str]:
    return {
        "purpose": _("Purpose"),
        "category": _("Category of personal data"),
        "special": _("Special category"),
        "subjects": _("Data subjects"),
        "sources": _("Sources"),
        "recipients": _("Recipients"),
        "transfers": _("Transfers outside the EEA"),
        "retention": _("Retention"),
        "duties": _("Kept under a legal duty"),
        "tables": _("Tables"),
    }


def processing_rows() -> list[dict[str, str]]:
    """The record's rows in the active language, ordered by purpose and category."""
    groups: dict[tuple[str, str], dict[str, set]] = {}
    for model in apps.get_models():
        for _name, declaration, rule in field_rules(model):
            for purpose in declaration.purposes:
                group = groups.setdefault(
                    (purpose, declaration.category), {"sources": set(), "rules": set(), "tables": set()}
                )
                group["sources"].add(declaration.source)
                group["rules"].add(rule)
                group["tables"].add(model._meta.label)
    return [_row(purpose, category, group) for (purpose, category), group in sorted(groups.items())]


def _row(purpose: str, category: str, group: dict[str, set]) -> dict[str, str]:
    recipients = [entry for entry in settings.PRIVACY_RECIPIENTS if purpose in entry["purposes"]]
    transfers = [entry for entry in recipients if entry["country"] not in settings.PRIVACY_EEA_COUNTRIES]
    rules = sorted(group["rules"], key=lambda rule: (rule.starts, rule.days, rule.erasure))
    return {
        "purpose": str(datamap.PURPOSE_LABELS[purpose]),
        "category": str(datamap.CATEGORY_LABELS[category]),
        "special": _("yes") if category in datamap.SPECIAL_CATEGORIES else _("no"),
        "subjects": str(datamap.PURPOSE_SUBJECTS[purpose]),
        "sources": "; ".join(sorted(str(datamap.SOURCE_LABELS[source]) for source in group["sources"])),
        "recipients": "; ".join(f"{entry['name']} ({entry['country']})" for entry in recipients) or _("none"),
        "transfers": "; ".join(f"{entry['name']} ({entry['country']}): {entry['safeguard']}" for entry in transfers)
        or _("none"),
        "retention": "; ".join(dict.fromkeys(datamap.retention_label(rule) for rule in rules)),
        "duties": "; ".join(dict.fromkeys(str(rule.duty) for rule in rules if rule.kept)) or _("none"),
        "tables": ", ".join(sorted(group["tables"])),
    }


def processing_csv(language: str) -> str:
    """The record as CSV text (UTF-8), the header row in `language`."""
    with translation.override(language):
        headings, rows = _headings(), processing_rows()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([headings[column] for column in COLUMNS])
    writer.writerows([row[column] for column in COLUMNS] for row in rows)
    return text.getvalue()


def processing_pdf(language: str) -> bytes:
    """The record as a landscape A4 PDF: the controller, the date, and the rows as a table."""
    with translation.override(language):
        headings, rows = _headings(), processing_rows()
        title = _("Record of processing activities")
        info = brand()
        controller = _("Controller: %(entity)s, %(address)s. Privacy contact: %(email)s.") % {
            "entity": info["legal_entity"], "address": info["address"], "email": info["privacy_email"],
        }  # fmt: skip
        generated = _("Generated from the data map on %(date)s.") % {"date": clock.now().date().isoformat()}
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(latin1(title))
    pdf.set_lang(language)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(text=latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    pdf.multi_cell(w=0, h=4, text=latin1(f"{controller} {generated}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", size=6)
    with pdf.table(col_widths=(20, 20, 10, 22, 22, 30, 20, 35, 38, 60), line_height=2.8) as table:
        table.row([latin1(headings[column]) for column in COLUMNS])
        for row in rows:
            table.row([latin1(row[column]) for column in COLUMNS])
    return bytes(pdf.output())
