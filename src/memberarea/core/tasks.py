"""Queued tasks that are done, retried, or visibly failed (decision 0029).

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a worker
that dies leaves it RUNNING for ever. Here every worker holds a lease, its heartbeat row, renewed
by a thread while the process lives. The periodic `tasks_recover` job takes back a RUNNING task
whose worker has not beaten within TASK_LEASE_SECONDS: READY again, or FAILED once it has been
claimed TASK_MAX_ATTEMPTS times (django-tasks-db appends the worker id to `worker_ids` at every
claim, so that list counts the attempts). A task that raises is retried the same way, after an
exponential back-off. Failed tasks are listed on the staff page of failed deliveries.

A retried task may run again after its first run committed (the worker died before recording its
success), so every task with an effect marks it once, in its own transaction: `task_effect_once`.
"""

import contextlib
import datetime as dt
import logging
import secrets
import threading
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import QuerySet
from django_tasks.base import TaskContext
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import clock
from .models import TaskEffect, WorkerHeartbeat

logger = logging.getLogger("memberarea.tasks")
_random = secrets.SystemRandom()

# exception_class_path of a task given up because its worker kept dying (no exception was raised).
WORKER_LOST = "memberarea.core.tasks.WorkerLost"
RETRY_CAP_SECONDS = 60 * 60
HEARTBEATS_PER_LEASE = 4


def backoff(attempt: int, *, base: float, cap: float) -> dt.timedelta:
    """Delay after failed attempt `attempt` (1-based): base × 2^(attempt-1), capped, ±20 % jitter."""
    delay = min(cap, base * 2 ** min(attempt - 1, 30))
    return dt.timedelta(seconds=delay * _random.uniform(0.8, 1.2))


@contextlib.contextmanager
def renewed(renew: Callable[[], object], *, every: float, name: str) -> Iterator[None]:
    """Call `renew` every `every` seconds in a thread while the block runs: the heartbeat of a lease.

    A failing renewal (the database briefly away) is logged and tried again on the next beat; the
    lease then simply runs out if the outage outlasts it, as it would for a dead process.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    renew()
                except DatabaseError:
                    logger.warning("%s: lease renewal failed; retrying on the next beat", name)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


# --- the worker's lease --------------------------------------------------------------------------
def worker_beat(worker_id: str) -> None:
    """The worker is alive: its claimed tasks stay its own for another TASK_LEASE_SECONDS."""
    now = clock.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"beat_at": now}, create_defaults={"started_at": now, "beat_at": now}
    )


def worker_leave(worker_id: str) -> None:
    """A worker that stops cleanly gives its lease back (its tasks have finished); with the database
    away, the row simply goes stale."""
    with contextlib.suppress(DatabaseError):
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def worker_lease_kept(worker_id: str) -> contextlib.AbstractContextManager[None]:
    """Beat now, then HEARTBEATS_PER_LEASE times per lease while the block runs."""
    worker_beat(worker_id)
    return renewed(
        lambda: worker_beat(worker_id), every=settings.TASK_LEASE_SECONDS / HEARTBEATS_PER_LEASE, name="heartbeat"
    )


def tasks_recover() -> str:
    """Take back the tasks of workers that stopped beating: run again, or failed after the last attempt."""
    now = clock.now()
    cutoff = now - dt.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    live = set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    requeued = failed = 0
    for row in DBTaskResult.objects.running().filter(started_at__lt=cutoff).only("id", "worker_ids", "started_at"):
        if row.worker_ids and row.worker_ids[-1] in live:
            continue  # a long task of a live worker
        attempts = len(row.worker_ids)
        mine = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at)
        if attempts >= settings.TASK_MAX_ATTEMPTS:
            failed += mine.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=WORKER_LOST,
                traceback=f"The worker running this task stopped during each of its {attempts} attempts.",
            )
            logger.warning("task %s failed: its worker stopped during each of %s attempts", row.pk, attempts)
        else:
            requeued += mine.update(status=TaskResultStatus.READY)
            logger.warning("task %s queued again: its worker stopped during attempt %s", row.pk, attempts)
    gone = WorkerHeartbeat.objects.filter(beat_at__lt=now - dt.timedelta(days=1)).delete()[0]
    return f"{requeued} queued again, {failed} failed, {gone} stale workers forgotten"


def task_failure_record(row: DBTaskResult) -> bool:
    """After a task raised (django-tasks-db marked it FAILED): queued again after a back-off while
    attempts remain. True when it will run again."""
    attempts = len(row.worker_ids)
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        logger.warning("task %s failed after %s attempts", row.pk, attempts)
        return False
    run_after = clock.now() + backoff(attempts, base=settings.TASK_RETRY_BASE_SECONDS, cap=RETRY_CAP_SECONDS)
    return bool(
        DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.FAILED, finished_at=row.finished_at).update(
            status=TaskResultStatus.READY, finished_at=None, run_after=run_after
        )
    )


# --- once-only effects ---------------------------------------------------------------------------
def task_effect_once(context: TaskContext) -> bool:
    """Call inside the task's transaction, before its effects: True the first time this queued task
    gets here, False when an earlier run of it committed (then do nothing).

    The mark commits or rolls back with the effects, so a run killed half-way leaves neither; two
    runs at once serialise on the mark's primary key and the second finds it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("task_effect_once belongs inside the transaction of the task's effects")
    try:
        with transaction.atomic():
            TaskEffect.objects.create(key=str(context.task_result.id), created_at=clock.now())
    except IntegrityError:
        logger.info("task %s ran before: its effects are not repeated", context.task_result.id)
        return False
    return True


def task_effects_prune(cutoff: dt.datetime) -> int:
    return TaskEffect.objects.filter(created_at__lt=cutoff).delete()[0]


def tasks_failed() -> QuerySet[DBTaskResult]:
    """Tasks that gave up, newest first (their state only: arguments are never shown)."""
    return (
        DBTaskResult.objects.failed()
        .only("id", "task_path", "worker_ids", "finished_at", "exception_class_path")
        .order_by("-finished_at")
    )
