"""Reading enrollment files (ENR-2) as insurers send them: CSV in the encoding they were written in,
or an Excel workbook, checked in full before a single row is applied.

`enrollment_file_open(path, encoding=…, sheet=…)` reads the whole file once: every line decodes in
the chosen encoding, quotes close on their line, each row has the header's columns, the header names
known columns and all the required ones, and no member (or policy) number appears twice. Any of these
refuses the whole file — `MemberAreaError(IMPORT_FILE_REFUSED)`, each problem by row and column, never
a value. A file that passes is read again, row by row, as the import applies it; memory stays flat
(8 bytes per number, to find repeats).

The format is told by the content, not the name: a ZIP archive is an `.xlsx` workbook, anything else
is CSV. Row numbers count the header as row 1, as a spreadsheet does.
"""

import codecs
import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from memberarea.core.errors import MemberAreaError

from .errors import IMPORT_FILE_REFUSED
from .identifiers import normalise_number
from .importing import Row, SeenNumbers
from .records import MEMBER_COLUMNS, MEMBER_REQUIRED, POLICY_COLUMNS, POLICY_REQUIRED

PROBLEMS_SHOWN = 20  # a file broken on every row is refused after this many, not after a million
MAX_LINE_BYTES = 1 << 20  # no row of an enrollment file comes near; a file without line ends does
DATE_COLUMNS = frozenset({"date_of_birth", "start_date", "end_date"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97–2003 (.xls)
_UTF8_BOM = codecs.BOM_UTF8
_ASCII_PROBE = '\r\n,;" 09AZaz_-.@+'
KINDS = {  # kind: (the column that tells it, known columns, required columns, the number column)
    "members": ("member_number", MEMBER_COLUMNS, MEMBER_REQUIRED, "member_number"),
    "policies": ("policy_type", POLICY_COLUMNS, POLICY_REQUIRED, "policy_number"),
}


class _Refused(Exception):
    """Problems that end the reading at once (the file cannot be read further); args are the problems."""


def encoding_resolve(name: str) -> str:
    """The codec's canonical name, for encodings that write ASCII as ASCII (UTF-8, cp1252, latin-1 …).

    Raises MemberAreaError(IMPORT_FILE_REFUSED) on the field `encoding` for an unknown encoding or
    one such as UTF-16 whose lines and separators are not single ASCII bytes.
    """
    try:
        codec = codecs.lookup(name.strip())
        ascii_compatible = _ASCII_PROBE.encode(codec.name) == _ASCII_PROBE.encode("ascii")
    except (LookupError, UnicodeError, ValueError):
        ascii_compatible = False
    if not ascii_compatible:
        message = format_lazy(
            _("{encoding} is not an encoding this import reads: use UTF-8 or one such as cp1252 or latin-1."),
            encoding=name.strip()[:40],
        )
        raise MemberAreaError(IMPORT_FILE_REFUSED, fields={"encoding": [message]})
    return codec.name


@dataclass
class EnrollmentFile:
    """A file that passed the check: its kind and a fresh stream of its rows for each `rows()` call."""

    path: Path
    kind: str
    format: str  # "csv" or "xlsx"
    rows_read: Callable[[], Iterator[Row]]
    size: int
    consumed: Callable[[], float]  # the share of the file read so far by the current `rows()` stream

    def rows(self) -> Iterator[Row]:
        return self.rows_read()


def enrollment_file_open(path: Path, *, encoding: str = "utf-8", sheet: str | None = None) -> EnrollmentFile:
    """Check the whole file (see the module's text) and return it ready to stream; refuses it otherwise."""
    codec = encoding_resolve(encoding)
    with path.open("rb") as raw:
        start = raw.read(8)
    if start.startswith(_OLE_MAGIC):
        _refuse([_("This is an Excel 97–2003 workbook (.xls): save it as .xlsx (or as CSV) and import that.")])
    workbook = start.startswith(_ZIP_MAGIC)
    if sheet is not None and not workbook:
        _refuse([_("--sheet names a sheet of an .xlsx workbook; this file is not one.")])
    reader: _Reader = _Workbook(path, sheet) if workbook else _Csv(path, codec)
    problems: list = []
    try:
        kind, number_column = reader.kind()
        _repeats_find(reader, number_column, problems)
    except _Refused as refused:
        problems.extend(refused.args)
    if problems:
        _refuse(problems)
    return EnrollmentFile(
        path=path,
        kind=kind,
        format=reader.format,
        rows_read=lambda: reader.rows([]),
        size=path.stat().st_size,
        consumed=reader.consumed,
    )


def _repeats_find(reader: "_Reader", number_column: str, problems: list) -> None:
    """Read every row, adding the structural problems and the numbers seen on an earlier row."""
    seen, pending, column = SeenNumbers(), set(), reader.label(number_column)
    for row, record in reader.rows(problems):
        number = normalise_number(str(record.get(number_column) or ""))
        if number and (number in pending or number in seen):
            problems.append(_at(row, column, _("this number appears on an earlier row of the file.")))
        pending.add(number)
        if len(pending) == 10_000:
            seen.add_many(pending - {""})
            pending = set()
        if len(problems) >= PROBLEMS_SHOWN:
            problems.append(_("… and perhaps more: the file was not read further."))
            return


def _refuse(problems: list) -> None:
    raise MemberAreaError(IMPORT_FILE_REFUSED, fields={"file": problems})


def _at(row: int, column: str, problem):
    return format_lazy(_("row {row}, column {column}: {problem}"), row=row, column=column, problem=problem)


class _Reader:
    format = ""

    def __init__(self) -> None:
        self.header: list[str] = []
        self.share = 0.0

    def consumed(self) -> float:
        return self.share

    def label(self, name: str) -> str:
        """How the problems name a column: its position as the file shows it, then its name."""
        return f"{self._position(self.header.index(name))} ({name})"

    def _position(self, index: int) -> str:
        return str(index + 1)

    def kind(self) -> tuple[str, str]:
        """Read the header; the file's kind and its number column, or a refusal naming the columns."""
        raise NotImplementedError

    def rows(self, problems: list) -> Iterator[Row]:
        """(row, {column: text}) for each non-empty row; structural problems go to `problems`."""
        raise NotImplementedError

    def _header_check(self, header: list[str]) -> tuple[str, str]:
        self.header = header
        kind = next((k for k, (marker, *_rest) in KINDS.items() if marker in header), None)
        if kind is None:
            raise _Refused(
                _(
                    "Row 1 must be the header; it names neither member_number (a members file) nor policy_type "
                    "(a policies file)."
                )
            )
        _marker, known, required, number_column = KINDS[kind]
        problems = []
        for index, name in enumerate(header):
            where = self._position(index)
            if not name:
                problems.append(format_lazy(_("row 1, column {column}: the column has no name."), column=where))
            elif name not in known:
                problems.append(format_lazy(_("row 1, column {column}: unknown column."), column=f"{where} ({name})"))
            elif header.index(name) != index:
                problems.append(format_lazy(_("row 1, column {column}: named twice."), column=f"{where} ({name})"))
        for name in required:
            if name not in header:
                problems.append(format_lazy(_("row 1: the required column {name} is missing."), name=name))
        if problems:
            raise _Refused(*problems)
        return kind, number_column

    def _record(self, row: int, values: list, problems: list) -> dict | None:
        """The row as {column: value}, or None when its number of values is not the header's."""
        width = len(self.header)
        if len(values) == width:
            return dict(zip(self.header, values, strict=True))
        if len(values) < width:
            missing = f"{self._position(len(values))} ({self.header[len(values)]})"
            problems.append(_at(row, missing, _("the row ends here: it has fewer values than the header.")))
        else:
            problems.append(_at(row, self._position(width), _("the row has more values than the header.")))
        return None


class _Csv(_Reader):
    """Comma- or semicolon-separated (told by the header), one row per line, in `codec`."""

    format = "csv"

    def __init__(self, path: Path, codec: str) -> None:
        super().__init__()
        self.path, self.codec = path, codec
        self.delimiter = ","
        self.size = max(path.stat().st_size, 1)

    def _lines(self, raw: BinaryIO) -> Iterator[tuple[int, str]]:
        """(line number, text) with each line decoded on its own, so a bad byte is found by line and byte."""
        number, read = 0, 0
        while line := raw.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(line) > MAX_LINE_BYTES:
                raise _Refused(
                    format_lazy(_("line {line} is longer than 1 MiB: this is not an enrollment CSV file."), line=number)
                )
            if number == 1 and line.startswith(_UTF8_BOM):
                if self.codec != "utf-8":
                    raise _Refused(
                        _("The file starts with a UTF-8 byte-order mark: it is UTF-8; leave out --encoding.")
                    )
                line = line[len(_UTF8_BOM) :]
            try:
                text = line.decode(self.codec)
            except UnicodeDecodeError as exc:
                raise _Refused(self._undecodable(number, line, exc)) from None
            read += len(line)
            self.share = min(read / self.size, 1.0)
            yield number, text

    def _undecodable(self, line_number: int, line: bytes, exc: UnicodeDecodeError):
        hint = (
            _("If the file comes from Windows or a Spanish core system, try --encoding cp1252.")
            if self.codec == "utf-8"
            else _("Check the encoding the file was written in.")
        )
        return format_lazy(
            _("line {line}, byte {byte} (0x{value}): not valid {encoding} text. Nothing was applied. {hint}"),
            line=line_number,
            byte=exc.start + 1,
            value=f"{line[exc.start]:02X}",
            encoding="UTF-8" if self.codec == "utf-8" else self.codec,
            hint=hint,
        )

    def kind(self) -> tuple[str, str]:
        with self.path.open("rb") as raw:
            first = next(self._lines(raw), (1, ""))[1]
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            header = next(csv.reader([first], delimiter=self.delimiter, strict=True), [])
        except csv.Error:
            header = [first]  # a header with a stray quote names no known column
        return self._header_check([column.strip().lower() for column in header])

    def rows(self, problems: list) -> Iterator[Row]:
        with self.path.open("rb") as raw:
            lines = self._lines(raw)
            next(lines, None)  # the header
            for number, text in lines:
                values = self._values(number, text, lines, problems)
                if values is None or not any(value.strip() for value in values):
                    continue
                record = self._record(number, values, problems)
                if record is not None:
                    yield number, record

    def _values(self, number: int, text: str, lines, problems: list) -> list[str] | None:
        """The values of one line. No column holds a line break, so a quote left open on its line is
        an error at the column where it opened — never the rows after it swallowed into one field."""
        try:
            return next(csv.reader([text], delimiter=self.delimiter, strict=True))
        except csv.Error as exc:
            opened = _open_quote_column(text, self.delimiter)
            if opened is not None:
                column = self._position(opened) + (f" ({self.header[opened]})" if opened < len(self.header) else "")
                problems.append(_at(number, column, _("a quote opens here and is not closed on the same line.")))
            elif "\0" in text:
                problems.append(format_lazy(_("row {row}: the line holds a NUL byte; is this a CSV file?"), row=number))
            else:
                problems.append(
                    format_lazy(_("row {row}: not readable as CSV ({reason})."), row=number, reason=str(exc)[:80])
                )
            return None


def _open_quote_column(text: str, delimiter: str) -> int | None:
    """The index of the column whose quote is still open at the end of the line, if any."""
    column, state = 0, "start"  # start of a field | plain text | inside quotes | just after a closing quote
    for char in text.rstrip("\r\n"):
        if state == "quoted":
            state = "closed" if char == '"' else state
        elif char == '"' and state in ("start", "closed"):
            state = "quoted"  # an opening quote, or the second of a doubled one
        elif char == delimiter:
            column, state = column + 1, "start"
        elif state == "start":
            state = "plain"
    return column if state == "quoted" else None


_UNREADABLE_WORKBOOK = _("The file is not a readable .xlsx workbook.")


class _Workbook(_Reader):
    """The first sheet (or `sheet`) of an .xlsx workbook, read in openpyxl's streaming mode."""

    format = "xlsx"

    def __init__(self, path: Path, sheet: str | None) -> None:
        super().__init__()
        self.path, self.sheet = path, sheet

    def _position(self, index: int) -> str:
        return get_column_letter(index + 1)

    def _cells(self) -> Iterator[tuple[int, tuple]]:
        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception:  # any failure of the parser on a hostile archive is this one refusal
            raise _Refused(_UNREADABLE_WORKBOOK) from None
        try:
            if self.sheet is None:
                worksheet = workbook.worksheets[0] if workbook.worksheets else None
            else:
                worksheet = workbook[self.sheet] if self.sheet in workbook.sheetnames else None
            if worksheet is None:
                raise _Refused(
                    format_lazy(
                        _("The workbook has no sheet named {sheet}; its sheets are: {sheets}."),
                        sheet=self.sheet,
                        sheets=", ".join(workbook.sheetnames),
                    )
                )
            total = max(worksheet.max_row or 1, 1)
            for number, cells in enumerate(worksheet.iter_rows(), start=1):
                self.share = min(number / total, 1.0)
                yield number, cells
        except _Refused:
            raise
        except Exception:  # as above, while the sheet streams
            raise _Refused(_UNREADABLE_WORKBOOK) from None
        finally:
            workbook.close()

    def kind(self) -> tuple[str, str]:
        first = next(self._cells(), (1, ()))[1]
        header = [_cell_header(cell.value) for cell in first]
        while header and not header[-1]:
            header.pop()
        return self._header_check(header)

    def rows(self, problems: list) -> Iterator[Row]:
        cells = self._cells()
        next(cells, None)  # the header
        width = len(self.header)
        for number, row in cells:
            values = [cell.value for cell in row]
            while len(values) > width and values[-1] in (None, ""):
                values.pop()
            values += [None] * (width - len(values))
            if all(value is None or str(value).strip() == "" for value in values):
                continue
            record = self._record(number, values, problems)
            if record is None:
                continue
            texts = {}
            for index, (name, cell) in enumerate(zip(self.header, row, strict=False)):
                text, problem = _cell_text(name, cell.value, cell.number_format)
                if problem is not None:
                    problems.append(_at(number, f"{self._position(index)} ({name})", problem))
                texts[name] = text
            postal_code = record.get("postal_code")
            if isinstance(postal_code, int | float) and str(record.get("country") or "ES").strip().upper() == "ES":
                texts["postal_code"] = texts["postal_code"].zfill(5)  # a Spanish postal code that lost its zero
            yield number, {**dict.fromkeys(self.header, ""), **texts}


def _cell_header(value) -> str:
    return str(value).strip().lower() if value is not None else ""


def _cell_text(name: str, value, number_format: str | None) -> tuple[str, object]:
    """A cell as the text the CSV would hold: (text, problem or None).

    Dates become YYYY-MM-DD. A whole number keeps the zeros its cell format shows ("00000" shows 8001
    as 08001) and loses the ".0" a float gives it; a number with decimals where text is expected, or
    a number where a date is expected, is a problem.
    """
    if isinstance(value, dt.datetime | dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat(), None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ("" if value is None else str(value)), None
    problem = None
    if name in DATE_COLUMNS:
        problem = _("a number where a date is expected: format the cell as a date, or write YYYY-MM-DD.")
    elif isinstance(value, float) and not value.is_integer():
        problem = _("a number with decimals where a code is expected: format the column as text.")
    if problem is not None:
        return "", problem
    digits = str(int(value))
    zeros = number_format or ""
    if zeros and set(zeros) == {"0"}:
        digits = digits.zfill(len(zeros))
    return digits, None
