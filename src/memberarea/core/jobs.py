"""Periodic jobs run by the `worker` command.

Each job is registered with `@periodic(name, every)`. The worker's sweep claims a due job with a
conditional update (`next_run_at <= now` → moved forward), so with many workers on PostgreSQL each
run happens once, and a worker that dies simply lets the job come due again.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from . import clock
from .captcha import used_captchas_prune
from .models import AuditHead, PeriodicJobState
from .ratelimit import counters_prune
from .storage import stored_files_prune
from .tasks import task_effects_prune, tasks_recover

logger = logging.getLogger("memberarea.jobs")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: dt.timedelta
    run: Callable[[], str]


JOBS: dict[str, PeriodicJob] = {}


def periodic(name: str, every: dt.timedelta) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def register(function: Callable[[], str]) -> Callable[[], str]:
        JOBS[name] = PeriodicJob(name=name, every=every, run=function)
        return function

    return register


def job_claim(job: PeriodicJob) -> bool:
    """Take the job's next run if it is due; True when this caller won it."""
    now = clock.now()
    with transaction.atomic():
        PeriodicJobState.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        claimed = PeriodicJobState.objects.filter(name=job.name, next_run_at__lte=now).update(
            next_run_at=now + job.every, last_started_at=now
        )
    return claimed == 1


def jobs_run_due() -> list[str]:
    """Run every due job once; one failing job is logged and does not stop the others."""
    ran = []
    for job in JOBS.values():
        if not job_claim(job):
            continue
        try:
            outcome = job.run()
        except Exception:
            logger.exception("periodic job %s failed", job.name)
            outcome = "failed"
        PeriodicJobState.objects.filter(name=job.name).update(last_finished_at=clock.now(), last_outcome=outcome[:200])
        ran.append(job.name)
    return ran


@periodic("prune_stored_files", dt.timedelta(minutes=10))
def _prune_stored_files() -> str:
    return stored_files_prune()


@periodic("prune_rate_counters", dt.timedelta(hours=1))
def _prune_rate_counters() -> str:
    return counters_prune()


@periodic("prune_task_results", dt.timedelta(hours=6))
def _prune_task_results() -> str:
    cutoff = clock.now() - dt.timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    marks = task_effects_prune(cutoff)
    return f"{deleted} finished task rows deleted, {marks} effect marks"


@periodic("recover_tasks", dt.timedelta(seconds=settings.WORKER_SWEEP_SECONDS))
def _recover_tasks() -> str:
    """Tasks whose worker stopped beating run again, or fail visibly after the last attempt (decision 0029)."""
    return tasks_recover()


@periodic("audit_head_anchor", dt.timedelta(hours=1))
def _audit_head_anchor() -> str:
    """Write the audit head to the logs: an outside copy that a database-level rollback cannot reach."""
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        return "no audit entries yet"
    logger.info("audit head seq=%s mac=%s", head.seq, head.mac[:16])
    return f"anchored seq {head.seq}"


@periodic("prune_used_captchas", dt.timedelta(hours=1))
def _prune_used_captchas() -> str:
    return used_captchas_prune()
