"""Building an export job's file (the task's work; exports.py starts jobs and hands out links).

The map-driven export (holdings.py) streams into a ZIP — access: `your-data.html` and
`your-data.json`; portability: `your-data.json` and one CSV per kind of record under `csv/` — and the
ZIP streams straight into encrypted storage: no plaintext file is ever written, and memory stays
bounded whatever the member holds (PERF-6). Rows are counted as they go, for the progress shown.
"""

import datetime as dt
import io
import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation

from memberarea.core import clock
from memberarea.core.models import StoredFile
from memberarea.core.storage import stored_file_save

from .export_models import ExportJob, ExportKind, ExportState
from .holdings import ExportRows, export_csv_rows, export_html, export_json, export_rows, export_rows_count

logger = logging.getLogger("memberarea.privacy")
PASSES = 2  # every kind writes the rows twice: HTML and JSON, or JSON and CSV
OPEN_STATES = (ExportState.QUEUED, ExportState.RUNNING)


def export_job_build(job_id) -> str:
    """The task's work: "ready", "failed", or "skipped" (finished already, or gone).

    A run after a worker died restarts from the beginning; the dead run left no file behind (the
    file is saved at the end) or an orphan that the storage pruning deletes at its expiry."""
    now = clock.now()
    claimed = ExportJob.objects.filter(pk=job_id, state__in=OPEN_STATES).update(
        state=ExportState.RUNNING, started_at=now, rows_done=0
    )
    if not claimed:
        return "skipped"
    job = ExportJob.objects.select_related("person").get(pk=job_id)
    total = PASSES * export_rows_count(job.person)
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    try:
        with translation.override(job.language):
            stored = stored_file_save(
                content=_ZipReader(_zip_chunks(job, _Progress(job.pk))),  # type: ignore[arg-type]  # a File-like reader
                purpose="exports",
                lifetime=dt.timedelta(days=settings.EXPORT_LIFETIME_DAYS),
                suffix=".zip",
            )
        size = default_storage.size(stored.name)
    except Exception:  # the member sees "could not be prepared" and may start again; staff see the log
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk, state=ExportState.RUNNING).update(
            state=ExportState.FAILED, error_code="internal_error", finished_at=clock.now()
        )
        return "failed"
    ExportJob.objects.filter(pk=job.pk, state=ExportState.RUNNING).update(
        state=ExportState.READY,
        file=stored,
        file_size=size,
        rows_done=total,
        finished_at=clock.now(),
        expires_at=stored.expires_at,
    )
    return "ready"


class _Progress:
    """Counts rows as they stream and writes the count every EXPORT_PROGRESS_EVERY_ROWS rows."""

    def __init__(self, job_id) -> None:
        self.job_id, self.done = job_id, 0

    def counted(self, rows: ExportRows) -> ExportRows:
        every = settings.EXPORT_PROGRESS_EVERY_ROWS
        for row in rows:
            yield row
            self.done += 1
            if self.done % every == 0:
                ExportJob.objects.filter(pk=self.job_id).update(rows_done=self.done)


def _zip_chunks(job: ExportJob, progress: _Progress) -> Iterator[bytes]:
    """The ZIP's bytes as they are made: each export text chunk is compressed and handed on at once."""
    sink = _Sink()
    person = job.person
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries: list[tuple[str, Callable[[], Iterable[str]]]] = [
            ("your-data.json", lambda: export_json(person, progress.counted(export_rows(person))))
        ]
        if job.kind == ExportKind.ACCESS:
            entries.insert(0, ("your-data.html", lambda: export_html(person, progress.counted(export_rows(person)))))
        for name, texts in entries:
            with archive.open(name, "w") as entry:
                for text in texts():
                    entry.write(text.encode())
                    yield sink.drain()
        if job.kind == ExportKind.PORTABILITY:
            for name, lines in export_csv_rows(person, progress.counted(export_rows(person))):
                with archive.open(f"csv/{name}", "w") as entry:
                    for line in lines:
                        entry.write(line.encode())
                        yield sink.drain()
    yield sink.drain()


class _Sink(io.RawIOBase):
    """Where ZipFile writes: a buffer emptied by `drain()`. Not seekable, so ZipFile streams (data
    descriptors) instead of going back to patch headers."""

    def __init__(self) -> None:
        super().__init__()
        self._buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        return len(data)

    def drain(self) -> bytes:
        chunk = bytes(self._buffer)
        self._buffer.clear()
        return chunk


class _ZipReader:
    """A read-only file over the chunks, for the encrypting storage: `read(n)` returns exactly n bytes
    until the end (the storage encrypts fixed segments)."""

    name = "export.zip"

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer, self._position = chunks, bytearray(), 0

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset != 0 or whence != 0 or self._position:
            raise io.UnsupportedOperation("the export is read once, from the start")
        return 0

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        size = len(self._buffer) if size < 0 else min(size, len(self._buffer))
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        self._position += size
        return data


def export_jobs_expire() -> str:
    """Delete the files of jobs past their expiry and mark the jobs expired (periodic job)."""
    now = clock.now()
    expired = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(state=ExportState.EXPIRED).iterator():
        with transaction.atomic():
            if job.file_id is not None:
                stored = StoredFile.objects.filter(pk=job.file_id).first()
                if stored is not None:
                    default_storage.delete(stored.name)
                    stored.delete()
            expired += ExportJob.objects.filter(pk=job.pk).update(state=ExportState.EXPIRED, file=None)
    return f"{expired} exports expired and deleted"
