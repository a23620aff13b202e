"""Import enrollment files as deltas (ENR-2): `manage.py import_enrollment policies.csv members.xlsx`.

Each file is a policies file or a members file, told apart by its header (docs/import.md): CSV in
UTF-8 or the `--encoding` named, or an .xlsx workbook (its first sheet, or `--sheet`). Every file is
read and checked in full before any is applied (decision 0030); a file that cannot be read as it is
refuses the whole command, by row and column, and nothing is applied. The files are then applied in
the order given, so put policies first, each in chunks of one transaction, streamed so memory stays
flat; a progress line goes to stderr and a summary (counts and the first errors, by row, field and
code — never a value) to stdout. `--check` does all of it in a transaction that is rolled back.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from memberarea.core.errors import MemberAreaError
from memberarea.enrollment.files import EnrollmentFile, enrollment_file_open
from memberarea.enrollment.services import batch_summary, enrollment_file_import

ERRORS_SHOWN = 50


class Progress:
    """One self-overwriting line on a terminal; a line every few seconds when stderr is a file."""

    def __init__(self, stream, file: EnrollmentFile) -> None:
        self.stream, self.file, self.label = stream, file, file.path.name
        self.started = time.monotonic()
        self.last, self.shown_rows = float("-inf"), -1
        self.tty = stream.isatty()

    def __call__(self, batch, *, final: bool = False) -> None:
        now = time.monotonic()
        if (not (self.tty or final) and now - self.last < 5) or (final and batch.rows == self.shown_rows):
            return
        self.last, self.shown_rows = now, batch.rows
        share = self.file.consumed()
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


class _CheckOnly(Exception):
    """Raised at the end of `--check` to roll everything back."""


class Command(BaseCommand):
    help = "Import enrollment files (CSV or .xlsx; policies and/or members) as deltas."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", help="CSV or .xlsx files, applied in this order (policies first)")
        parser.add_argument("--no-welcome", action="store_true", help="queue no welcome email (first load)")
        parser.add_argument("--chunk-size", type=int, default=None, help="rows per transaction")
        parser.add_argument("--encoding", default="utf-8", help="of the CSV files, e.g. cp1252 (default utf-8)")
        parser.add_argument("--sheet", default=None, help="the sheet of an .xlsx workbook (default: the first)")
        parser.add_argument("--check", action="store_true", help="check and report, then roll back: write nothing")
        parser.add_argument("--language", default="en", help="of the messages: en (default) or es")

    def handle(self, *args, files, language="en", **options) -> None:
        with translation.override(language):
            self._handle(files, **options)

    def _handle(self, names, *, no_welcome, chunk_size, encoding, sheet, check, **options) -> None:
        paths = [Path(name) for name in names]
        for path in paths:
            if not path.is_file():
                raise CommandError(_("%(file)s: no such file") % {"file": path})
        opened = self._open_all(paths, encoding=encoding, sheet=sheet)
        settings = {"send_welcome": not no_welcome, "chunk_size": chunk_size}
        if check:
            try:
                with transaction.atomic():
                    rejected = self._apply_all(opened, **settings)
                    raise _CheckOnly
            except _CheckOnly:
                pass
            self.stdout.write(_("Check only: the report above is what an import would do; nothing was written."))
        else:
            rejected = self._apply_all(opened, **settings)
        if rejected:
            # The good rows are applied; the exit status tells a scheduler to look at the report.
            raise CommandError(
                _("%(count)s rows rejected (see the errors above)") % {"count": f"{rejected:,}"}, returncode=2
            )

    def _open_all(self, paths: list[Path], *, encoding: str, sheet: str | None) -> list[EnrollmentFile]:
        """Every file read and checked before any is applied; one refusal refuses them all."""
        opened, refused = [], 0
        for path in paths:
            try:
                opened.append(enrollment_file_open(path, encoding=encoding, sheet=sheet))
            except MemberAreaError as exc:
                refused += 1
                self.stdout.write(_("%(file)s: refused — %(reason)s") % {"file": path.name, "reason": exc.message})
                for problems in exc.fields.values():
                    for problem in problems:
                        self.stdout.write(f"  {problem}")
        if refused:
            raise CommandError(
                _(
                    "Nothing was applied: every file is checked before any is applied. Correct the file and run the "
                    "command again."
                )
            )
        return opened

    def _apply_all(self, files: list[EnrollmentFile], *, send_welcome: bool, chunk_size: int | None) -> int:
        """Apply the files one by one; when one stops, say which are applied and which are not."""
        rejected = 0
        for position, file in enumerate(files):
            try:
                rejected += self._apply(file, send_welcome=send_welcome, chunk_size=chunk_size)
            except Exception as exc:
                applied = ", ".join(f.path.name for f in files[:position]) or "-"
                waiting = ", ".join(f.path.name for f in files[position + 1 :]) or "-"
                raise CommandError(
                    _(
                        "%(file)s stopped (%(error)s): its chunks committed before the stop are applied, the rest "
                        "is not; re-running it is safe. Files applied: %(applied)s. Files not started: %(waiting)s."
                    )
                    % {"file": file.path.name, "error": type(exc).__name__, "applied": applied, "waiting": waiting}
                ) from exc
        return rejected

    def _apply(self, file: EnrollmentFile, *, send_welcome: bool, chunk_size: int | None) -> int:
        progress = Progress(self.stderr._out, file)
        batch = enrollment_file_import(
            kind=file.kind,
            rows=file.rows(),
            send_welcome=send_welcome and file.kind == "members",
            progress=progress,
            chunk_size=chunk_size,
        )
        progress.done(batch)
        summary = batch_summary(batch, error_limit=ERRORS_SHOWN)
        self.stdout.write(f"{file.path.name} ({file.kind}), import {batch.pk}:")
        counts = [f"{name.replace('_', ' ')} {summary[name]:,}" for name in batch.COUNTS if summary[name]]
        self.stdout.write("  " + (", ".join(counts) or "no rows"))
        for error in summary["errors"]:
            self.stdout.write(f"  row {error['row']}: {error['field']} — {error['code']}")
        total_errors = batch.row_errors.count()
        if total_errors > ERRORS_SHOWN:
            self.stdout.write(f"  … and {total_errors - ERRORS_SHOWN:,} more errors (import {batch.pk})")
        return batch.rejected
