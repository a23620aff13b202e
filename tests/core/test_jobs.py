"""Periodic jobs (OPS-1, OPS-2): each due run is claimed by one worker; `worker --burst` runs them and exits."""

import datetime as dt
import os
import subprocess
import sys
import uuid
from urllib.parse import quote

import pytest
from django.db import connection

from memberarea.core import clock
from memberarea.core.jobs import JOBS, PeriodicJob, job_claim, jobs_run_due
from memberarea.core.models import PeriodicJobState, StoredFile
from memberarea.core.storage import stored_file_save
from tests.core.conftest import run_together

pytestmark = pytest.mark.req("OPS-2")


def _job(name: str = "", every: dt.timedelta = dt.timedelta(minutes=10), run=lambda: "done") -> PeriodicJob:
    return PeriodicJob(name=name or f"test-{uuid.uuid4().hex[:12]}", every=every, run=run)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("state", ["first run", "due again"])
def test_a_due_job_is_claimed_by_exactly_one_of_two_concurrent_claimers(frozen_clock, state):
    for _ in range(5):
        job = _job()
        if state == "due again":
            PeriodicJobState.objects.create(name=job.name, next_run_at=clock.now() - dt.timedelta(seconds=1))
        won = run_together(2, lambda _, job=job: job_claim(job))
        assert sorted(won) == [False, True]
        stored = PeriodicJobState.objects.get(name=job.name)
        assert stored.next_run_at == clock.now() + job.every and stored.last_started_at == clock.now()


@pytest.mark.django_db
def test_a_job_comes_due_again_after_its_interval(frozen_clock):
    job = _job(every=dt.timedelta(minutes=10))
    assert job_claim(job)
    assert not job_claim(job)
    frozen_clock.advance(minutes=9, seconds=59)
    assert not job_claim(job)
    frozen_clock.advance(seconds=1)
    assert job_claim(job)


@pytest.mark.django_db
def test_run_due_runs_each_due_job_once_and_survives_a_failing_one(frozen_clock, monkeypatch, caplog):
    def broken() -> str:
        raise RuntimeError("job broke")

    for name in list(JOBS):
        monkeypatch.delitem(JOBS, name)
    monkeypatch.setitem(JOBS, "a-broken", _job("a-broken", run=broken))
    monkeypatch.setitem(JOBS, "b-fine", _job("b-fine", run=lambda: "3 things done"))

    assert jobs_run_due() == ["a-broken", "b-fine"]
    assert jobs_run_due() == [], "nothing is due twice in one interval"
    fine, failed = PeriodicJobState.objects.get(name="b-fine"), PeriodicJobState.objects.get(name="a-broken")
    assert fine.last_outcome == "3 things done" and fine.last_finished_at == clock.now()
    assert failed.last_outcome == "failed"
    assert "periodic job a-broken failed" in caplog.text


def _database_url() -> str:
    """The URL of this test process's own test database, for a worker started beside it."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    credentials = quote(config["USER"]) + (f":{quote(config['PASSWORD'])}" if config["PASSWORD"] else "")
    return f"postgres://{credentials}@{config['HOST']}:{config['PORT']}/{config['NAME']}"


@pytest.mark.req("OPS-1")
@pytest.mark.django_db(transaction=True)
def test_worker_burst_runs_the_due_jobs_and_exits(_private_files, repo_root):
    with clock.frozen(dt.datetime(2020, 1, 1, tzinfo=dt.UTC)):
        expired = stored_file_save(content=b"old export", purpose="export", lifetime=dt.timedelta(hours=1))
    kept = stored_file_save(content=b"fresh export", purpose="export", lifetime=dt.timedelta(days=1))

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "memberarea.settings.test",
        "DATABASE_URL": _database_url(),
        "PRIVATE_FILES_ROOT": str(_private_files),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "worker", "--burst"],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    ran = result.stdout.strip().removeprefix("ran periodic jobs: ").split(", ")
    assert sorted(ran) == sorted(JOBS)
    assert set(PeriodicJobState.objects.filter(last_finished_at__isnull=False).values_list("name", flat=True)) == set(
        JOBS
    )
    assert PeriodicJobState.objects.get(name="prune_stored_files").last_outcome == "1 expired files deleted"
    assert not StoredFile.objects.filter(pk=expired.pk).exists()
    assert not (_private_files / expired.name).exists()
    assert (_private_files / kept.name).exists()
