"""The background worker: runs queued tasks and, beside them, the periodic sweep of due jobs.

The task loop (django-tasks-db) owns the main thread and its signal handling; the sweep runs in a
second thread every WORKER_SWEEP_SECONDS, and a third renews the worker's lease on the tasks it
claims (decision 0029). On SQLite run exactly one worker; on PostgreSQL run as many as needed (tasks
are claimed with SKIP LOCKED, periodic jobs with a conditional update).
`--burst` runs due jobs and queued tasks once, then exits (for operations and tests).
"""

import logging
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from memberarea.core.jobs import jobs_run_due
from memberarea.core.tasks import task_failure_record, worker_lease_kept, worker_leave

logger = logging.getLogger("memberarea.worker")


class RetryingWorker(Worker):
    """django-tasks-db's worker; a task that raised is queued again while attempts remain."""

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            task_failure_record(db_task_result)


def _sweep_forever(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            jobs_run_due()
        except Exception:  # an outage must not kill the sweep; it retries on the next tick
            logger.exception("periodic sweep failed")
        finally:
            connection.close()
        stop.wait(settings.WORKER_SWEEP_SECONDS)


class Command(BaseCommand):
    help = "Run queued tasks and periodic jobs."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--burst", action="store_true", help="run what is due once, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between task polls")

    def handle(self, *args, burst=False, interval=1.0, **options) -> None:
        worker_id = get_random_string(32)
        worker = RetryingWorker(
            queue_names=["*"],
            interval=interval,
            batch=burst,
            backend_name="default",
            startup_delay=not burst,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        try:
            with worker_lease_kept(worker_id):
                if burst:
                    ran = jobs_run_due()
                    worker.run()
                    self.stdout.write(f"ran periodic jobs: {', '.join(ran) or 'none due'}")
                else:
                    self._run_forever(worker)
        finally:
            worker_leave(worker_id)

    def _run_forever(self, worker: Worker) -> None:
        stop = threading.Event()
        sweeper = threading.Thread(target=_sweep_forever, args=(stop,), name="sweep", daemon=True)
        sweeper.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
