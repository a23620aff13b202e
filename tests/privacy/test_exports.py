"""Export jobs and single-use download links (PRIV-8, PERF-6): the job's file is the map-driven export,
checked against the database rows through the map; progress, expiry and every refusal of a link."""

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from memberarea.core import clock
from memberarea.core.errors import MemberAreaError
from memberarea.core.models import StoredFile
from memberarea.privacy.export_build import _Progress, _zip_chunks, export_job_build, export_jobs_expire
from memberarea.privacy.export_models import ExportJob, ExportKind, ExportState
from memberarea.privacy.exports import (
    download_link_issue,
    download_link_open,
    export_file_chunks,
    export_job_for,
    export_job_start,
)
from memberarea.privacy.holdings import export_rows_count
from tests.privacy.test_holdings import NOW, World, _expected
from tests.privacy.test_holdings import world as member_world  # noqa: F401 - the fixture: a member with activity, and another

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-8")]


def _built(member_world: World, kind=ExportKind.ACCESS, reference="") -> ExportJob:  # noqa: F811
    job = export_job_start(
        account=member_world.person.account, person=member_world.person, kind=kind, reference=reference
    )
    assert export_job_build(job.pk) == "ready"
    job.refresh_from_db()
    return job


def _archive(job: ExportJob) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(export_file_chunks(job))))


def test_the_access_export_file_holds_every_exported_field_of_the_member_s_rows_through_the_map(member_world):  # noqa: F811
    with clock.frozen(NOW):
        job = _built(member_world)
        expected = _expected(
            member_world
        )  # after the job: its own rows (the job, the audit entry) are the member's too

    archive = _archive(job)
    assert sorted(archive.namelist()) == ["your-data.html", "your-data.json"]
    exported = json.loads(archive.read("your-data.json"))
    assert exported["records"] == expected
    assert "privacy.ExportJob" in exported["records"], "the job is itself data about the member"
    html = archive.read("your-data.html").decode()
    assert html.count("<h2>") == len(expected) and "persona1@example.invalid" in html
    assert "persona8@example.invalid" not in html + json.dumps(exported)


def test_the_portability_export_is_json_and_a_csv_per_kind_of_record(member_world):  # noqa: F811
    with clock.frozen(NOW):
        job = _built(member_world, ExportKind.PORTABILITY)
    archive = _archive(job)
    records = json.loads(archive.read("your-data.json"))["records"]
    assert sorted(archive.namelist()) == sorted(["your-data.json"] + [f"csv/{label}.csv" for label in records])
    consents = archive.read("csv/privacy.ConsentRecord.csv").decode().splitlines()
    assert consents[0].split(",") == list(records["privacy.ConsentRecord"][0])
    assert len(consents) == 1 + len(records["privacy.ConsentRecord"])


def test_the_file_is_encrypted_at_rest_with_the_job_s_expiry(member_world, settings):  # noqa: F811
    with clock.frozen(NOW):
        job = _built(member_world)
    raw = Path(default_storage.path(job.file.name)).read_bytes()
    assert b"persona1@example.invalid" not in raw and b"your-data" not in raw
    assert job.file.expires_at == job.expires_at == job.finished_at + dt.timedelta(days=settings.EXPORT_LIFETIME_DAYS)
    assert job.file_size == len(b"".join(export_file_chunks(job)))


def test_progress_counts_rows_as_they_are_written(member_world, settings):  # noqa: F811
    settings.EXPORT_PROGRESS_EVERY_ROWS = 5
    with clock.frozen(NOW):
        job = export_job_start(account=member_world.person.account, person=member_world.person, kind=ExportKind.ACCESS)
    total = 2 * export_rows_count(member_world.person)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportState.RUNNING, rows_total=total)
    job.refresh_from_db()
    seen = []
    for _chunk in _zip_chunks(job, _Progress(job.pk)):
        seen.append(ExportJob.objects.get(pk=job.pk).percent)
    assert seen[0] == 0 and max(seen) >= 90 and seen == sorted(seen)
    assert len(set(seen)) > 3, "progress moves in steps while the file is written"

    assert export_job_build(job.pk) == "ready"
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.percent) == (total, total, 100)


def test_a_second_start_while_one_runs_is_the_same_job_and_the_reference_finds_it(member_world):  # noqa: F811
    with clock.frozen(NOW):
        account, person = member_world.person.account, member_world.person
        first = export_job_start(account=account, person=person, kind=ExportKind.ACCESS, reference="RR-7")
        again = export_job_start(account=account, person=person, kind=ExportKind.ACCESS, reference="RR-7")
        other = export_job_start(account=account, person=person, kind=ExportKind.PORTABILITY, reference="RR-8")
    assert again.pk == first.pk and other.pk != first.pk
    assert export_job_for("RR-7").pk == first.pk and export_job_for("nothing") is None
    assert export_job_build(first.pk) == "ready"
    assert export_job_build(first.pk) == "skipped"  # a task run again does nothing


def test_the_link_opens_once_for_its_account_only_and_not_after_expiry(member_world, frozen_clock, settings):  # noqa: F811
    job = _built(member_world)
    owner, stranger = member_world.person.account, member_world.other.account

    token = download_link_issue(job, owner)
    with pytest.raises(MemberAreaError) as refused:
        download_link_open(token=token, account=stranger)
    assert refused.value.code == "not_found"
    assert download_link_open(token=token, account=owner).pk == job.pk
    with pytest.raises(MemberAreaError) as refused:
        download_link_open(token=token, account=owner)
    assert refused.value.code == "download_link_used"

    late = download_link_issue(job, owner)
    frozen_clock.advance(minutes=settings.EXPORT_LINK_LIFETIME_MINUTES, seconds=1)
    with pytest.raises(MemberAreaError) as refused:
        download_link_open(token=late, account=owner)
    assert refused.value.code == "download_link_expired"
    for unknown in ("", "x" * 43):
        with pytest.raises(MemberAreaError) as refused:
            download_link_open(token=unknown, account=owner)
        assert refused.value.code == "not_found"
    with pytest.raises(MemberAreaError) as refused:
        download_link_issue(job, stranger)
    assert refused.value.code == "not_found"


def test_the_token_is_stored_hashed(member_world):  # noqa: F811
    with clock.frozen(NOW):
        job = _built(member_world)
        token = download_link_issue(job, member_world.person.account)
    (link,) = job.links.all()
    assert token not in link.token_hash and len(link.token_hash) == 64


def test_expired_exports_are_deleted_and_their_links_refused(member_world, frozen_clock, settings):  # noqa: F811
    job = _built(member_world)
    token = download_link_issue(job, member_world.person.account)
    name = job.file.name

    assert export_jobs_expire() == "0 exports expired and deleted"
    frozen_clock.advance(days=settings.EXPORT_LIFETIME_DAYS, seconds=1)
    assert export_jobs_expire() == "1 exports expired and deleted"

    job.refresh_from_db()
    assert (job.state, job.file) == (ExportState.EXPIRED, None)
    assert not StoredFile.objects.filter(name=name).exists()
    assert not default_storage.exists(name)
    with pytest.raises(MemberAreaError) as refused:
        download_link_open(token=token, account=member_world.person.account)
    assert refused.value.code == "download_link_expired"
    with pytest.raises(MemberAreaError) as refused:
        download_link_issue(job, member_world.person.account)
    assert refused.value.code == "export_not_ready"
    assert export_jobs_expire() == "0 exports expired and deleted"
