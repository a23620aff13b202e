"""Builders of enrollment rows for the tests: valid by default, override any column."""

import csv
from pathlib import Path

from django.db import connection
from stdnum.es import dni

from memberarea.enrollment.services import enrollment_file_import


def nif(digits: str) -> str:
    return digits + dni.calc_check_digit(digits)


def policy_row(**overrides) -> dict:
    return {
        "policy_number": "POL-100",
        "policy_type": "individual",
        "status": "active",
        "start_date": "2020-01-01",
        "holder_name": "Titular Ficticio",
        **overrides,
    }


def member_row(number: int = 1, **overrides) -> dict:
    return {
        "member_number": f"M-{number:06d}",
        "policy_number": "POL-100",
        "first_name": "Nombre",
        "last_name": f"Apellido {number}",
        "date_of_birth": "1985-03-12",
        "sex": "female",
        "relationship": "holder",
        "start_date": "2020-01-01",
        "address_line1": "Calle Falsa 123",
        "postal_code": "28001",
        "city": "Madrid",
        "province": "Madrid",
        "country": "ES",
        "email": f"persona{number}@example.invalid",
        "mobile": f"+34 6{number:08d}",
        "language": "es",
        "document_type": "nif",
        "document_number": nif(f"{10000000 + number}"),
        **overrides,
    }


def rows(records: list[dict]):
    return enumerate(records, start=2)


def import_policies(*records: dict):
    return enrollment_file_import(kind="policies", rows=rows(list(records) or [policy_row()]))


def import_members(records: list[dict], *, send_welcome: bool = False, chunk_size: int | None = None):
    return enrollment_file_import(kind="members", rows=rows(records), send_welcome=send_welcome, chunk_size=chunk_size)


def errors_of(batch) -> set[tuple[int, str, str]]:
    return set(batch.row_errors.values_list("row", "field", "code"))


def write_csv(path: Path, records: list[dict], delimiter: str = ",") -> Path:
    columns = list(dict.fromkeys(column for record in records for column in record))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(records)
    return path


def database_dump() -> str:
    """Every value of every table, as a dump would show it."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts.extend(v.decode("latin-1") if isinstance(v, bytes | memoryview) else str(v) for v in row)
    return "\n".join(parts)


def clear_text_forms(*, date_of_birth=None, mobile: str = "", document: str = "", email: str = "") -> list[str]:
    """The ways a value could show in clear (REL-7): ISO and Spanish dates, phone groupings, bare digits."""
    forms = []
    if date_of_birth is not None:
        d = date_of_birth
        forms += [d.isoformat(), d.strftime("%d/%m/%Y"), d.strftime("%Y%m%d"), d.strftime("%d-%m-%Y")]
    if mobile:
        national = mobile.removeprefix("+34")
        forms += [mobile, national, f"{national[:3]} {national[3:5]} {national[5:7]} {national[7:]}",
                  f"{national[:3]} {national[3:6]} {national[6:]}"]  # fmt: skip
    if document:
        forms += [document, document.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")]
    if email:
        forms += [email, email.split("@", maxsplit=1)[0]]
    return forms
