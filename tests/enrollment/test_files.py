"""Enrollment files as insurers send them (ENR-2): encodings, workbooks, strict parsing, the dry run,
several files, and hostile bytes — each refusal by row and column, with nothing applied."""

import datetime as dt
import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from memberarea.core.models import AuditEntry
from memberarea.enrollment import services
from memberarea.enrollment.models import ImportBatch, ImportRowError, Membership, Person, Policy
from memberarea.notifications.models import Message

from .records import member_row, policy_row, write_csv

pytestmark = pytest.mark.django_db
MEMBER_HEADER = list(member_row(1))


def _run(*args) -> tuple[str, str, CommandError | None]:
    """(stdout, stderr, the CommandError if the command ended with one)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_enrollment", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def _refused(*args) -> str:
    out, _, error = _run(*args)
    assert error is not None and "Nothing was applied" in str(error), out
    assert Membership.objects.count() == 0 and Policy.objects.count() == 0
    return out


def _lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _member_line(number: int, **overrides) -> str:
    return ",".join(member_row(number, **overrides).values())


@pytest.fixture
def policies(tmp_path) -> Path:
    return write_csv(tmp_path / "policies.csv", [policy_row()])


def _counts() -> dict[str, int]:
    models = (Membership, Person, Policy, ImportBatch, ImportRowError, AuditEntry, Message)
    return {model.__name__: model.objects.count() for model in models}


# --- encodings --------------------------------------------------------------------------------------
@pytest.mark.req("ENR-2")
def test_a_windows_1252_file_is_refused_by_line_and_byte_then_imported_with_its_encoding(tmp_path, policies):
    members = _lines(
        tmp_path / "members.csv",
        [
            ";".join(MEMBER_HEADER),
            ";".join(member_row(1, first_name="Íñigo", last_name="Muñoz Garçon").values()),
            ";".join(member_row(2, address_line1="Plaza Mayor 1 (cuota 30 €)").values()),
        ],
        encoding="cp1252",
    )
    out = _refused(policies, members, "--no-welcome")
    byte = len("M-000001;POL-100;") + 1
    assert f"line 2, byte {byte} (0xCD): not valid UTF-8 text" in out
    assert "--encoding cp1252" in out

    out, _, error = _run(policies, members, "--no-welcome", "--encoding", "cp1252")
    assert error is None, out
    holder = Membership.objects.get(member_number="M000001")
    assert (holder.first_name, holder.last_name) == ("Íñigo", "Muñoz Garçon")
    assert Membership.objects.get(member_number="M000002").street == "Plaza Mayor 1 (cuota 30 €)"


@pytest.mark.req("ENR-2")
def test_a_byte_that_is_not_windows_1252_either_is_refused_naming_its_line_and_byte(tmp_path, policies):
    members = tmp_path / "members.csv"
    members.write_bytes(",".join(MEMBER_HEADER).encode() + b"\n" + _member_line(1).encode() + b"\x81\n")
    out = _refused(policies, members, "--encoding", "cp1252")
    assert f"line 2, byte {len(_member_line(1)) + 1} (0x81): not valid cp1252 text" in out


@pytest.mark.req("ENR-2")
def test_utf8_with_a_byte_order_mark_is_read_as_utf8(tmp_path, policies):
    members = tmp_path / "members.csv"
    members.write_bytes(
        "\ufeff".encode() + (",".join(MEMBER_HEADER) + "\n" + _member_line(1, first_name="Begoña")).encode()
    )
    out, _, error = _run(policies, members, "--no-welcome")
    assert error is None, out
    assert Membership.objects.get().first_name == "Begoña"
    out, _, error = _run(policies, members, "--encoding", "latin-1")  # a UTF-8 file named as something else
    assert error is not None and "byte-order mark" in out


@pytest.mark.req("ENR-2")
def test_an_encoding_that_is_unknown_or_not_ascii_compatible_is_refused(policies):
    assert "nonsense-9 is not an encoding" in _refused(policies, "--encoding", "nonsense-9")
    assert "utf-16 is not an encoding" in _refused(policies, "--encoding", "utf-16")


# --- strict parsing ---------------------------------------------------------------------------------
@pytest.mark.req("ENR-2")
def test_an_unterminated_quote_is_refused_at_its_row_and_column_instead_of_swallowing_the_rows_after_it(
    tmp_path, policies
):
    first_name = MEMBER_HEADER.index("first_name")
    broken = member_row(2)
    broken["first_name"] = '"Ana, sin cerrar'
    members = _lines(
        tmp_path / "members.csv",
        [",".join(MEMBER_HEADER), _member_line(1), ",".join(broken.values()), _member_line(3)],
    )
    out = _refused(policies, members)
    assert f"row 3, column {first_name + 1} (first_name): a quote opens here and is not closed" in out
    assert "row 4" not in out  # the row after it is read on its own


@pytest.mark.req("ENR-2")
def test_a_row_with_too_few_or_too_many_values_is_refused_at_its_row_and_column(tmp_path, policies):
    short = ",".join(list(member_row(2).values())[:5])
    members = _lines(
        tmp_path / "members.csv",
        [",".join(MEMBER_HEADER), _member_line(1), short, _member_line(3) + ",extra"],
    )
    out = _refused(policies, members)
    assert "row 3, column 6 (sex): the row ends here" in out
    assert f"row 4, column {len(MEMBER_HEADER) + 1}: the row has more values than the header" in out


@pytest.mark.req("ENR-2")
def test_unknown_missing_unnamed_and_repeated_columns_are_refused_in_row_one(tmp_path, policies):
    header = [*MEMBER_HEADER, "shoe_size", "", "city"]
    header.remove("last_name")
    members = _lines(tmp_path / "members.csv", [",".join(header)])
    out = _refused(policies, members)
    count = len(header)
    assert f"row 1, column {count - 2} (shoe_size): unknown column" in out
    assert f"row 1, column {count - 1}: the column has no name" in out
    assert f"row 1, column {count} (city): named twice" in out
    assert "row 1: the required column last_name is missing" in out
    neither = _lines(tmp_path / "other.csv", ["name,age", "x,1"])
    assert "names neither member_number" in _refused(neither)


@pytest.mark.req("ENR-2")
def test_a_member_number_twice_in_one_file_refuses_the_file_at_the_second_row(tmp_path, policies):
    members = write_csv(
        tmp_path / "members.csv", [member_row(1), member_row(2), member_row(1, first_name="Otra")], delimiter=";"
    )
    out = _refused(policies, members)
    assert "row 4, column 1 (member_number): this number appears on an earlier row" in out


@pytest.mark.req("ENR-2")
def test_a_policy_number_twice_in_one_file_refuses_the_file_too(tmp_path):
    policies = write_csv(tmp_path / "policies.csv", [policy_row(), policy_row(policy_number="pol 100")])
    assert "row 3, column 1 (policy_number): this number appears on an earlier row" in _refused(policies)


# --- the dry run and several files --------------------------------------------------------------------
@pytest.mark.req("ENR-2")
def test_check_prints_the_report_of_a_real_import_and_writes_nothing(tmp_path, policies):
    members = write_csv(tmp_path / "members.csv", [member_row(1), member_row(2, mobile="12")])
    before = _counts()
    out, _, error = _run(policies, members, "--check")
    assert _counts() == before
    assert "policies created 1" in out and "created 1" in out
    assert "row 3: mobile — invalid_phone" in out
    assert "nothing was written" in out
    assert error is not None and error.returncode == 2  # the same verdict as the real import
    out, _, _ = _run(policies, members)
    assert Membership.objects.count() == 1


@pytest.mark.req("ENR-2")
def test_a_broken_second_file_stops_the_command_before_the_first_is_applied(tmp_path, policies):
    members = _lines(tmp_path / "members.csv", [",".join(MEMBER_HEADER), _member_line(1) + ",extra"])
    out = _refused(policies, members)
    assert "members.csv: refused" in out and "policies.csv: refused" not in out


@pytest.mark.req("ENR-2")
def test_when_applying_stops_the_output_names_the_files_applied_and_those_not_started(tmp_path, policies, monkeypatch):
    members = write_csv(tmp_path / "members.csv", [member_row(1)])
    later = write_csv(tmp_path / "later.csv", [member_row(2)])
    real_import = services.enrollment_file_import

    def database_gone_on_members(*, kind, **kwargs):
        if kind == "members":
            raise ConnectionError("the database went away")
        return real_import(kind=kind, **kwargs)

    monkeypatch.setattr(
        "memberarea.enrollment.management.commands.import_enrollment.enrollment_file_import", database_gone_on_members
    )
    _, _, error = _run(policies, members, later)
    assert error is not None
    assert "members.csv stopped (ConnectionError)" in str(error)
    assert "Files applied: policies.csv." in str(error) and "Files not started: later.csv." in str(error)
    assert Policy.objects.count() == 1


# --- workbooks --------------------------------------------------------------------------------------
def _workbook(path: Path, rows: list[list], *, formats: dict[str, str] | None = None, title: str = "Altas") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Notas"
    sheet.append(["nothing to import here"])
    sheet = book.create_sheet(title, 0)
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    book.save(path)
    return path


def _xlsx_member(number, **overrides) -> list:
    return list({**member_row(1), "member_number": number, **overrides}.values())


@pytest.mark.req("ENR-2")
def test_an_xlsx_workbook_with_dates_lost_zeros_and_floats_is_imported(tmp_path, policies):
    postal = MEMBER_HEADER.index("postal_code")
    book = _workbook(
        tmp_path / "altas.xlsx",
        [
            MEMBER_HEADER,
            _xlsx_member(
                "M-1", date_of_birth=dt.datetime(1985, 3, 12), start_date=dt.date(2020, 1, 1), postal_code=8001
            ),
            _xlsx_member(2041, document_number="", document_type="", email="", mobile=612345678.0),
            _xlsx_member(77, document_number="", document_type="", email="", mobile=""),
            _xlsx_member(
                1234567.0, document_number="", document_type="", email="", mobile="", postal_code=1000, country="BE"
            ),
        ],
        formats={"A4": "000000"},
    )
    out, _, error = _run(policies, book, "--no-welcome")
    assert error is None, out
    first = Membership.objects.select_related("person").get(member_number="M1")
    assert first.person.date_of_birth == dt.date(1985, 3, 12) and first.start_date == dt.date(2020, 1, 1)
    assert first.postal_code == "08001"  # a Spanish postal code typed as a number
    assert Membership.objects.get(member_number="2041").mobile == "+34612345678"  # a float, recovered
    assert Membership.objects.filter(member_number="000077").exists()  # the zeros its cell format shows
    belgian = Membership.objects.get(member_number="1234567")  # 1234567.0
    assert belgian.postal_code == "1000"
    assert postal >= 0


@pytest.mark.req("ENR-2")
def test_workbook_numbers_that_cannot_be_recovered_are_refused_by_row_and_column_letter(tmp_path, policies):
    book = _workbook(
        tmp_path / "altas.xlsx",
        [MEMBER_HEADER, _xlsx_member(12.5), _xlsx_member("M-3", start_date=43831), [*_xlsx_member("M-4"), "extra"]],
    )
    out = _refused(policies, book)
    assert "row 2, column A (member_number): a number with decimals where a code is expected" in out
    assert "row 3, column H (start_date): a number where a date is expected" in out
    extra = get_column_letter(len(MEMBER_HEADER) + 1)
    assert f"row 4, column {extra}: the row has more values than the header" in out


@pytest.mark.req("ENR-2")
def test_sheet_chooses_a_sheet_by_name_and_an_unknown_one_is_refused(tmp_path):
    book = _workbook(tmp_path / "polizas.xlsx", [list(policy_row()), list(policy_row().values())], title="Pólizas")
    out, _, error = _run(book, "--sheet", "Pólizas")
    assert error is None, out
    assert Policy.objects.count() == 1
    Policy.objects.all().delete()
    out = _refused(book, "--sheet", "Hoja9")
    assert "no sheet named Hoja9; its sheets are: Pólizas, Notas" in out
    assert "names neither member_number" in _refused(book, "--sheet", "Notas")


@pytest.mark.req("ENR-2")
def test_an_old_xls_workbook_or_a_damaged_xlsx_is_refused_clearly(tmp_path):
    old = tmp_path / "altas.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    assert "Excel 97–2003 workbook (.xls)" in _refused(old)
    damaged = tmp_path / "altas.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + bytes(300))
    assert "not a readable .xlsx workbook" in _refused(damaged)


# --- hostile input ----------------------------------------------------------------------------------
@pytest.mark.req("ENR-2")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from([b"", b"member_number,policy_number\n", ",".join(MEMBER_HEADER).encode() + b"\n", b"PK"]),
    body=st.binary(max_size=400),
    name=st.sampled_from(["members.csv", "members.xlsx"]),
    encoding=st.sampled_from(["utf-8", "cp1252"]),
)
def test_any_bytes_given_as_a_file_get_a_report_or_a_clear_refusal_never_a_traceback(prefix, body, name, encoding):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(prefix + body)
        out, _, error = _run(path, "--no-welcome", "--encoding", encoding)
    if error is None:
        assert "import" in out  # a report
    else:
        assert "Nothing was applied" in str(error) or error.returncode == 2, str(error)


@pytest.mark.req("ENR-2")
def test_the_refusal_speaks_spanish_when_asked(tmp_path, policies):
    members = write_csv(tmp_path / "members.csv", [member_row(1), member_row(1)])
    out, _, error = _run(policies, members, "--language", "es")
    assert "No se ha aplicado nada" in str(error)
    assert "fila 3, columna 1 (member_number): este número ya aparece en una fila anterior" in out


@pytest.mark.req("ENR-2")
def test_the_documented_samples_windows_1252_workbook_and_broken_behave_as_docs_import_md_says(repo_root):
    samples = repo_root / "docs" / "samples"
    policies = samples / "enrollment-policies.csv"
    cp1252 = samples / "enrollment-members-cp1252.csv"
    assert "--encoding cp1252" in _refused(policies, cp1252)
    out, _, error = _run(policies, cp1252, "--encoding", "cp1252", "--no-welcome")
    assert error is None, out
    assert Membership.objects.get(member_number="MS000246").first_name == "François"
    out, _, error = _run(samples / "enrollment-members.csv", samples / "enrollment-members.xlsx", "--no-welcome")
    assert error is None, out
    assert Membership.objects.get(member_number="30040017").postal_code == "08003"
    assert Membership.objects.get(member_number="MS000103").start_date == dt.date(2021, 1, 1)
    before = _counts()
    out, _, error = _run(samples / "enrollment-members-broken.csv")
    assert error is not None and _counts() == before
    assert "row 2, column 3 (first_name): a quote opens here" in out
    assert "row 3, column 21 (document_country): the row ends here" in out
