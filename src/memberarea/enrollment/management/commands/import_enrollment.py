"""Import enrollment CSV files as deltas (ENR-2): `manage.py import_enrollment policies.csv members.csv`.

Each file is a policies file or a members file, told apart by its header (docs/import.md); files
are applied in the order given, so put policies first. Rows stream through the `csv` module in
chunks, so memory stays flat however long the file; a progress line goes to stderr and a summary
(counts and the first errors, by row, field and code — never a value) to stdout.
"""

import csv
import io
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from memberarea.enrollment.records import MEMBER_COLUMNS, MEMBER_REQUIRED, POLICY_COLUMNS, POLICY_REQUIRED
from memberarea.enrollment.services import batch_summary, enrollment_file_import

ERRORS_SHOWN = 50


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from a file, so progress can be shown as a share of its size."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        self.consumed += count or 0
        return count


class Progress:
    """One self-overwriting line on a terminal; a line every few seconds when stderr is a file."""

    def __init__(self, stream, total_bytes: int, reader: _CountingReader, label: str) -> None:
        self.stream, self.total, self.reader, self.label = stream, max(total_bytes, 1), reader, label
        self.started = time.monotonic()
        self.last, self.shown_rows = float("-inf"), -1
        self.tty = stream.isatty()

    def __call__(self, batch, *, final: bool = False) -> None:
        now = time.monotonic()
        if (not (self.tty or final) and now - self.last < 5) or (final and batch.rows == self.shown_rows):
            return
        self.last, self.shown_rows = now, batch.rows
        share = min(self.reader.consumed / self.total, 1.0)
        elapsed = now - self.started
        rate = batch.rows / elapsed if elapsed > 0 else 0.0
        eta = elapsed * (1 - share) / share if share > 0 else 0.0
        bar = "#" * int(share * 30)
        line = (
            f"{self.label} [{bar:<30}] {share:4.0%}  {batch.rows:,} rows  {rate:,.0f} rows/s  "
            f"{batch.rejected:,} rejected  ETA {int(eta) // 60}:{int(eta) % 60:02d}"
        )
        self.stream.write(f"\r{line}" if self.tty else f"{line}\n")
        self.stream.flush()

    def done(self, batch) -> None:
        self(batch, final=True)
        if self.tty:
            self.stream.write("\n")


def file_kind(header: list[str]) -> str:
    columns = set(header)
    if "member_number" in columns:
        known, required, kind = MEMBER_COLUMNS, MEMBER_REQUIRED, "members"
    elif "policy_type" in columns:
        known, required, kind = POLICY_COLUMNS, POLICY_REQUIRED, "policies"
    else:
        raise CommandError("the header names neither member_number (members file) nor policy_type (policies file)")
    unknown = [c for c in header if c not in known]
    missing = [c for c in required if c not in columns]
    if unknown or missing:
        raise CommandError(f"{kind} file: unknown columns {unknown or '-'}; missing columns {missing or '-'}")
    return kind


def _rows(reader: Iterable[list[str]], header: list[str]) -> Iterator[tuple[int, dict]]:
    """(row number, record): the header is row 1, as in a spreadsheet."""
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        yield number, dict(zip(header, values, strict=False))


class Command(BaseCommand):
    help = "Import enrollment CSV files (policies and/or members) as deltas."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", help="CSV files, applied in this order (policies first)")
        parser.add_argument("--no-welcome", action="store_true", help="queue no welcome email (first load)")
        parser.add_argument("--chunk-size", type=int, default=None, help="rows per transaction")

    def handle(self, *args, files, no_welcome=False, chunk_size=None, **options) -> None:
        paths = [Path(name) for name in files]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        rejected = sum(self._import(path, send_welcome=not no_welcome, chunk_size=chunk_size) for path in paths)
        if rejected:
            # The good rows are applied; the exit status tells a scheduler to look at the report.
            raise CommandError(f"{rejected:,} rows rejected (see the errors above)", returncode=2)

    def _import(self, path: Path, *, send_welcome: bool, chunk_size: int | None) -> int:
        with path.open("rb", buffering=0) as raw:
            counting = _CountingReader(raw)
            text = io.TextIOWrapper(io.BufferedReader(counting, 1 << 16), encoding="utf-8-sig", newline="")
            first = text.readline()
            delimiter = ";" if first.count(";") > first.count(",") else ","
            header = [column.strip().lower() for column in next(csv.reader([first], delimiter=delimiter), [])]
            kind = file_kind(header)
            progress = Progress(self.stderr._out, path.stat().st_size, counting, path.name)
            reader = csv.reader(text, delimiter=delimiter)
            try:
                batch = enrollment_file_import(
                    kind=kind,
                    rows=_rows(reader, header),
                    send_welcome=send_welcome and kind == "members",
                    progress=progress,
                    chunk_size=chunk_size,
                )
            except (UnicodeDecodeError, csv.Error) as exc:
                raise CommandError(f"{path.name}: not a readable UTF-8 CSV file ({type(exc).__name__})") from None
            progress.done(batch)
        summary = batch_summary(batch, error_limit=ERRORS_SHOWN)
        self.stdout.write(f"{path.name} ({kind}), import {batch.pk}:")
        counts = [f"{name.replace('_', ' ')} {summary[name]:,}" for name in batch.COUNTS if summary[name]]
        self.stdout.write("  " + (", ".join(counts) or "no rows"))
        for error in summary["errors"]:
            self.stdout.write(f"  row {error['row']}: {error['field']} — {error['code']}")
        total_errors = batch.row_errors.count()
        if total_errors > ERRORS_SHOWN:
            self.stdout.write(f"  … and {total_errors - ERRORS_SHOWN:,} more errors (import {batch.pk})")
        return batch.rejected
