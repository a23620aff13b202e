"""The audit log under the retention job (PRIV-14, BO-5, decision 0041): entries past their six years go
as the oldest whole rows of the chain, behind a MACed checkpoint, and the chain still verifies.

Entries 1–3 are recorded on 10 January 2026, 4–5 a year later; the job runs six years and a day
after the first ones, when only 1–3 are past their period.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record, audit_verify
from memberarea.core.models import AuditCut, AuditEntry, AuditHead
from memberarea.privacy.models import RetentionState
from memberarea.privacy.retention import retention_run

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-14"), pytest.mark.req("BO-5")]
FIRST = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
SECOND = FIRST + dt.timedelta(days=365)
RUN = FIRST + dt.timedelta(days=6 * 365 + 1)
TRIGGERS = ("core_auditentry_append_only", "core_auditcut_append_only")
on_postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the append-only triggers exist on PostgreSQL only"
)


def _sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _append(at: dt.datetime, count: int) -> list[AuditEntry]:
    with clock.frozen(at):
        return [audit_record(event="test.event", actor_id=f"actor-{n}", data={"n": n}) for n in range(count)]


def _findings() -> list[str]:
    return [str(finding) for finding in audit_verify()]


def _seqs() -> list[int]:
    return list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))


@pytest.fixture
def entries() -> list[AuditEntry]:
    return _append(FIRST, 3) + _append(SECOND, 2)


@pytest.fixture
def cut(entries) -> list[AuditEntry]:
    """The job has run once, six years and a day after the first entries."""
    with clock.frozen(RUN):
        run = retention_run()
    assert run.state == RetentionState.FINISHED
    return entries


@pytest.fixture
def as_owner_without_triggers():
    """What someone with the table owner's rights does first on PostgreSQL; undone after the test."""
    if connection.vendor == "postgresql":
        for trigger, table in zip(TRIGGERS, ("core_auditentry", "core_auditcut"), strict=True):
            _sql(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    yield
    if connection.vendor == "postgresql":
        for trigger, table in zip(TRIGGERS, ("core_auditentry", "core_auditcut"), strict=True):
            _sql(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


def test_expired_entries_go_as_a_prefix_behind_a_checkpoint(entries):
    assert _findings() == []
    with clock.frozen(RUN):
        run = retention_run()

    assert _seqs() == [4, 5]
    checkpoint = AuditCut.objects.get()
    assert (checkpoint.seq, checkpoint.mac, checkpoint.removed, checkpoint.cut_at) == (3, entries[2].mac, 3, RUN)
    assert run.counts["core.AuditEntry"]["deleted"] == 3
    assert _findings() == []
    with clock.frozen(RUN):
        audit_record(event="test.after_the_cut")
    assert _seqs() == [4, 5, 6] and _findings() == []


def test_nothing_goes_before_its_six_years(entries):
    with clock.frozen(FIRST + dt.timedelta(days=6 * 365 - 1)):
        run = retention_run()
    assert _seqs() == [1, 2, 3, 4, 5] and not AuditCut.objects.exists()
    assert "core.AuditEntry" not in run.counts


def test_an_old_entry_after_a_younger_one_waits_for_it():
    """Two servers' clocks may disagree: the cut stops at the first entry still in its period."""
    _append(FIRST, 1)
    _append(SECOND, 1)
    _append(FIRST, 1)
    with clock.frozen(RUN):
        retention_run()
    assert _seqs() == [2, 3]
    assert AuditCut.objects.get().seq == 1 and _findings() == []


def test_everything_expired_leaves_the_head_on_the_checkpoint(entries):
    with clock.frozen(SECOND + dt.timedelta(days=6 * 365 + 1)):
        retention_run()
    assert _seqs() == [] and AuditCut.objects.get().seq == AuditHead.objects.get().seq == 5
    assert _findings() == []
    with clock.frozen(SECOND + dt.timedelta(days=6 * 365 + 1)):
        assert audit_record(event="test.after_everything").seq == 6
    assert _findings() == []


def test_the_verify_command_says_where_its_walk_began(cut):
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().strip() == (
        "audit log intact: 2 entries verified, from the retention checkpoint after entry 3"
        f" (3 older entries removed by retention, the last on {RUN.date().isoformat()})"
    )


def test_a_second_run_removes_nothing_more(cut):
    before = (_seqs(), list(AuditCut.objects.values_list("seq", "cut_mac")))
    with clock.frozen(RUN + dt.timedelta(hours=25)):
        again = retention_run()
    assert again.counts == {}
    assert (_seqs(), list(AuditCut.objects.values_list("seq", "cut_mac"))) == before


def test_batches_leave_one_checkpoint_each_and_an_interrupted_run_resumes():
    _append(FIRST, 5)
    _append(SECOND, 1)
    with clock.frozen(RUN):
        while (run := retention_run(batch_rows=2, max_batches=1)).state == RetentionState.RUNNING:
            assert _findings() == [], "every committed batch leaves a chain that verifies"
    assert list(AuditCut.objects.values_list("seq", "removed")) == [(2, 2), (4, 2), (5, 1)]
    assert _seqs() == [6] and run.counts["core.AuditEntry"]["deleted"] == 5
    assert _findings() == []


def test_a_checkpoint_moved_over_a_deletion_is_named(cut, as_owner_without_triggers):
    """Deleting entry 4 and moving the checkpoint onto it needs a new checkpoint MAC, hence AUDIT_KEY."""
    AuditEntry.objects.filter(seq=4).delete()
    AuditCut.objects.filter(seq=3).update(seq=4, mac=cut[3].mac)
    assert _findings() == [
        "cut_changed at entry 4: the checkpoint does not match its MAC",
        "deleted at entry 1: entries 1–4 are missing",
    ]


def test_a_made_up_checkpoint_is_named_and_passed_over(cut, as_owner_without_triggers):
    AuditEntry.objects.filter(seq=4).delete()
    AuditCut.objects.create(seq=4, mac=cut[3].mac, removed=1, cut_at=RUN, cut_mac="f" * 64)
    assert _findings() == [
        "cut_changed at entry 4: the checkpoint does not match its MAC",
        "deleted at entry 4: entry 4 is missing",
    ]


def test_a_deleted_checkpoint_shows_the_removed_entries(cut, as_owner_without_triggers):
    AuditCut.objects.all().delete()
    assert _findings() == ["deleted at entry 1: entries 1–3 are missing"]


def test_a_changed_entry_after_the_checkpoint_is_named(cut, as_owner_without_triggers):
    AuditEntry.objects.filter(seq=5).update(actor_id="someone-else")
    assert _findings() == ["changed at entry 5: its content does not match its MAC"]


def test_an_entry_slipped_in_behind_the_checkpoint_is_named(cut):
    """An entry behind the checkpoint is never walked, so it could pass for genuine in the back office."""
    AuditEntry.objects.create(seq=2, at=FIRST, event="test.forged", data={}, prev_mac="0" * 64, mac="0" * 64)
    assert _findings() == ["behind_cut at entry 2: 1 entries remain behind the checkpoint at 3"]


@on_postgres_only
def test_postgresql_still_refuses_edits_and_deletes_outside_the_cut(cut):
    refused = [
        "UPDATE core_auditentry SET actor_id = 'x' WHERE seq = 4",
        "DELETE FROM core_auditentry WHERE seq = 4",
        "UPDATE core_auditcut SET removed = 1",
        "DELETE FROM core_auditcut",
    ]
    for statement in refused:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _sql(statement)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql("SELECT set_config('memberarea.audit_cut', '3', true)")  # the checkpoint exists, entry 4 is after it
        _sql("DELETE FROM core_auditentry WHERE seq = 4")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql("SELECT set_config('memberarea.audit_cut', '4', true)")  # no checkpoint at 4
        _sql("DELETE FROM core_auditentry WHERE seq = 4")
    assert _seqs() == [4, 5] and AuditCut.objects.count() == 1 and _findings() == []
