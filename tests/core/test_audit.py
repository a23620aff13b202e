"""The HMAC-chained audit log (BO-5): appends, refusals, tamper detection, the PostgreSQL trigger, races."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from memberarea.core.audit import GENESIS_MAC, audit_record, entry_mac
from memberarea.core.logging import bind_request_id, unbind_request_id
from memberarea.core.models import AuditEntry, AuditHead
from tests.core.conftest import run_together

pytestmark = pytest.mark.req("BO-5")

TRIGGER = "core_auditentry_append_only"
on_postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="the append-only trigger exists on PostgreSQL only (SQLite relies on the chain alone)",
)


def _verify() -> tuple[bool, str]:
    """Run the verify command; (intact, what it printed). A CommandError is manage.py's exit status 1."""
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def _append(count: int) -> list[AuditEntry]:
    return [
        audit_record(event="test.event", actor_id=f"actor-{n}", subject_id=f"subject-{n}", data={"n": n, "ok": True})
        for n in range(1, count + 1)
    ]


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def as_owner_without_trigger(db):
    """What an attacker with the table owner's rights does first on PostgreSQL; undone after the test."""
    if connection.vendor == "postgresql":
        _sql(f"ALTER TABLE core_auditentry DISABLE TRIGGER {TRIGGER}")
    yield
    if connection.vendor == "postgresql":
        _sql(f"ALTER TABLE core_auditentry ENABLE TRIGGER {TRIGGER}")


@pytest.mark.django_db
def test_entries_are_chained_and_verify():
    token = bind_request_id("req-0123456789")
    try:
        entries = _append(3)
    finally:
        unbind_request_id(token)
    stored = list(AuditEntry.objects.order_by("seq"))
    assert [entry.seq for entry in stored] == [1, 2, 3]
    assert stored[0].prev_mac == GENESIS_MAC
    assert [entry.prev_mac for entry in stored[1:]] == [entry.mac for entry in stored[:-1]]
    assert all(entry_mac(entry, entry.prev_mac) == entry.mac for entry in stored)
    assert [entry.mac for entry in entries] == [entry.mac for entry in stored]
    assert stored[0].request_id == "req-0123456789" and stored[0].data == {"n": 1, "ok": True}
    head = AuditHead.objects.get()
    assert (head.seq, head.mac) == (3, stored[-1].mac)
    assert _verify() == (True, "audit log intact: 3 entries verified\n")


@pytest.mark.django_db
def test_an_empty_log_verifies():
    assert _verify() == (True, "audit log intact: 0 entries verified\n")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"birth": {"year": 1985}},
        {"amount": 12.5},
        {"emails": ["ana@example.com"]},
        {"raw": b"bytes"},
        {3: "not a name"},
    ],
    ids=["dict", "float", "list", "bytes", "non-text-key"],
)
def test_values_that_could_hold_personal_data_are_refused(data):
    with pytest.raises(TypeError, match="only ids"):
        audit_record(event="test.refused", data=data)
    assert not AuditEntry.objects.exists()


def test_a_changed_entry_is_named(as_owner_without_trigger):
    _append(5)
    _sql("UPDATE core_auditentry SET actor_id = %s WHERE seq = 3", ["someone-else"])
    intact, output = _verify()
    assert not intact
    assert "changed at entry 3" in output
    assert "entry 2" not in output and "entry 4" not in output


def test_changed_data_is_named(as_owner_without_trigger):
    _append(4)
    entry = AuditEntry.objects.get(seq=2)
    AuditEntry.objects.filter(seq=2).update(data={**entry.data, "ok": False})
    intact, output = _verify()
    assert not intact and "changed at entry 2" in output


def test_an_entry_rewritten_with_a_new_mac_breaks_the_next_link(as_owner_without_trigger):
    """Without AUDIT_KEY the attacker cannot recompute MACs; with a made-up one the next link breaks."""
    _append(4)
    _sql("UPDATE core_auditentry SET mac = %s WHERE seq = 2", ["f" * 64])
    intact, output = _verify()
    assert not intact and "changed at entry 2" in output


def test_a_deleted_entry_is_named(as_owner_without_trigger):
    _append(5)
    _sql("DELETE FROM core_auditentry WHERE seq = 3")
    intact, output = _verify()
    assert not intact
    assert "deleted at entry 3" in output
    assert "entry 4" not in output, "the entry after a gap is not itself reported as changed"


def test_several_deleted_entries_are_named(as_owner_without_trigger):
    _append(6)
    _sql("DELETE FROM core_auditentry WHERE seq IN (2, 3, 4)")
    intact, output = _verify()
    assert not intact and "deleted at entry 2: entries 2–4 are missing" in output


def test_a_truncated_tail_is_named(as_owner_without_trigger):
    _append(5)
    _sql("DELETE FROM core_auditentry WHERE seq >= 4")
    intact, output = _verify()
    assert not intact
    assert "truncated at entry 4: entries 4–5 were cut from the end" in output


def test_a_head_moved_back_over_a_cut_tail_is_named(as_owner_without_trigger):
    entries = _append(5)
    _sql("DELETE FROM core_auditentry WHERE seq >= 4")
    AuditHead.objects.update(seq=3, mac=entries[2].mac)  # the head_mac cannot be recomputed without AUDIT_KEY
    intact, output = _verify()
    assert not intact and "head_changed at entry 3" in output


def test_a_deleted_head_is_named(as_owner_without_trigger):
    _append(2)
    AuditHead.objects.all().delete()
    intact, output = _verify()
    assert not intact and "head_missing at entry 2" in output


@on_postgres_only
@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete_of_audit_entries():
    _append(3)
    for statement in (
        "UPDATE core_auditentry SET actor_id = 'x' WHERE seq = 2",
        "DELETE FROM core_auditentry WHERE seq = 3",
        "DELETE FROM core_auditentry",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _sql(statement)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(event="changed")
    assert AuditEntry.objects.count() == 3
    assert _verify()[0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_a_gap_free_chain():
    threads, each = 8, 5

    def append(index: int) -> list[int]:
        return [audit_record(event="test.race", actor_id=f"thread-{index}", data={"i": i}).seq for i in range(each)]

    seqs = [seq for result in run_together(threads, append) for seq in result]
    assert sorted(seqs) == list(range(1, threads * each + 1))
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, threads * each + 1))
    assert AuditHead.objects.get().seq == threads * each
    assert _verify() == (True, f"audit log intact: {threads * each} entries verified\n")
