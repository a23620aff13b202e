"""REL-3: every queued task is done, retried, or visibly failed (decision 0029).

A task whose worker died stays RUNNING in django-tasks-db; the worker's lease (its heartbeat row)
tells a live worker's long task from a dead worker's: past TASK_LEASE_SECONDS without a beat the task
runs again, and after TASK_MAX_ATTEMPTS claims it fails and staff see it. The worker runs here in
burst mode, in-process (on a database it commits to, as a real worker's).
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from memberarea.core import clock
from memberarea.core.jobs import jobs_run_due
from memberarea.core.models import PeriodicJobState, WorkerHeartbeat
from memberarea.core.tasks import WORKER_LOST, tasks_recover, worker_beat
from memberarea.identity.models import Role
from tests.backoffice.conftest import client_for, make_staff

pytestmark = [pytest.mark.req("REL-3")]

CALLS: list[str] = []


@task()
def note(word: str) -> str:
    CALLS.append(word)
    return word


@task()
def always_fails(word: str) -> None:
    CALLS.append(word)
    raise RuntimeError("broken on purpose")


def _burst() -> str:
    out = io.StringIO()
    call_command("worker", "--burst", stdout=out)
    return out.getvalue()


def _running(row_id, *, worker_ids: list[str], started_ago: float) -> None:
    """The row as a worker left it when it died: claimed (its id appended) and never finished."""
    DBTaskResult.objects.filter(pk=row_id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=worker_ids,
        started_at=clock.now() - dt.timedelta(seconds=started_ago),
    )


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_died_runs_again_after_the_lease(settings):
    result = note.enqueue("again")
    _running(result.id, worker_ids=["dead-worker"], started_ago=settings.TASK_LEASE_SECONDS - 5)
    assert tasks_recover().startswith("0 queued again")  # within the lease: it may still be running

    _running(result.id, worker_ids=["dead-worker"], started_ago=settings.TASK_LEASE_SECONDS + 1)
    assert tasks_recover().startswith("1 queued again")
    _burst()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and CALLS == ["again"]
    assert len(row.worker_ids) == 2  # the attempt of the dead worker and this one


@pytest.mark.django_db(transaction=True)
def test_a_long_task_of_a_worker_that_still_beats_is_left_alone(settings):
    result = note.enqueue("long")
    worker_beat("live-worker")
    _running(result.id, worker_ids=["live-worker"], started_ago=settings.TASK_LEASE_SECONDS * 3)
    assert tasks_recover().startswith("0 queued again, 0 failed")
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING

    WorkerHeartbeat.objects.filter(pk="live-worker").update(
        beat_at=clock.now() - dt.timedelta(seconds=settings.TASK_LEASE_SECONDS + 1)
    )
    assert tasks_recover().startswith("1 queued again")


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_died_at_every_attempt_fails_and_staff_see_it(settings):
    result = note.enqueue("doomed")
    dead = [f"dead-{n}" for n in range(settings.TASK_MAX_ATTEMPTS)]
    _running(result.id, worker_ids=dead, started_ago=settings.TASK_LEASE_SECONDS + 1)
    assert tasks_recover().startswith("0 queued again, 1 failed")
    _burst()

    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.exception_class_path, CALLS) == (TaskResultStatus.FAILED, WORKER_LOST, [])
    page = client_for(make_staff(Role.AGENT)).get("/staff/deliveries/").content.decode()
    assert page.count('class="session-entry failed-task"') == 1
    assert f"{settings.TASK_MAX_ATTEMPTS} intentos" in page and "doomed" not in page  # never the arguments


@pytest.mark.django_db(transaction=True)
def test_a_task_that_raises_is_retried_then_fails_after_the_last_attempt_and_staff_see_it(settings):
    settings.TASK_RETRY_BASE_SECONDS = 0  # each retry is due at once, so one burst runs them all
    result = always_fails.enqueue("x")
    _burst()

    row = DBTaskResult.objects.get(pk=result.id)
    assert CALLS == ["x"] * settings.TASK_MAX_ATTEMPTS
    assert (row.status, len(row.worker_ids)) == (TaskResultStatus.FAILED, settings.TASK_MAX_ATTEMPTS)
    page = client_for(make_staff(Role.SECURITY_OFFICER)).get("/staff/deliveries/").content.decode()
    assert "RuntimeError" in page and "broken on purpose" not in page  # the class, never the text


@pytest.mark.django_db(transaction=True)
def test_a_failed_attempt_waits_for_its_back_off(settings):
    settings.TASK_RETRY_BASE_SECONDS = 30
    result = always_fails.enqueue("later")
    _burst()

    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, CALLS) == (TaskResultStatus.READY, ["later"])
    assert dt.timedelta(seconds=23) < row.run_after - clock.now() <= dt.timedelta(seconds=36)


@pytest.mark.django_db(transaction=True)
def test_the_recovery_job_runs_with_the_periodic_sweep(settings):
    result = note.enqueue("swept")
    _running(result.id, worker_ids=["gone"], started_ago=settings.TASK_LEASE_SECONDS + 1)
    PeriodicJobState.objects.filter(name="recover_tasks").delete()
    assert "recover_tasks" in jobs_run_due()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_a_worker_gives_its_lease_back_when_it_stops():
    _burst()
    assert not WorkerHeartbeat.objects.exists()
