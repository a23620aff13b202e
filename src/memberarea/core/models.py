"""Kernel tables: the audit chain, rate-limit counters, stored-file expiry, periodic-job state, used captchas."""

from django.db import models

from . import datamap
from .datamap import NotPersonal, Personal


class AuditEntry(models.Model):
    """One link of the append-only, HMAC-chained audit log (BO-5). Holds ids and keyed hashes only."""

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    event = models.CharField(max_length=64, db_index=True)
    actor_id = models.CharField(max_length=64, blank=True, db_index=True)
    subject_id = models.CharField(max_length=64, blank=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]


class AuditHead(models.Model):
    """The newest link, itself MACed: a cut tail leaves the head pointing past the last entry."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField()
    mac = models.CharField(max_length=64)
    head_mac = models.CharField(max_length=64)


class AuditCut(models.Model):
    """A checkpoint left where the retention job removed the oldest entries (decision 0041).

    It names the last removed link, so the first entry that stays still chains from something the
    verifier trusts; its own MAC (under AUDIT_KEY) keeps a forged checkpoint from hiding a deletion.
    """

    seq = models.BigIntegerField(primary_key=True)
    mac = models.CharField(max_length=64)
    removed = models.PositiveIntegerField()
    cut_at = models.DateTimeField()
    cut_mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]


class RateCounter(models.Model):
    """A fixed-window attempt counter when Redis is not configured (updated with F() increments)."""

    key = models.CharField(max_length=160, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)


class StoredFile(models.Model):
    """A file in encrypted storage with its expiry; the pruning job deletes both when it passes."""

    name = models.CharField(max_length=255, unique=True)
    purpose = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)


class PeriodicJobState(models.Model):
    """When each periodic job may next run; claimed with a conditional update so one worker runs it."""

    name = models.CharField(max_length=64, primary_key=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_outcome = models.CharField(max_length=200, blank=True)


datamap.declare(
    AuditEntry,
    seq=NotPersonal("position in the chain"),
    at=Personal(datamap.ACTIVITY, datamap.GENERATED, [datamap.SECURITY, datamap.LEGAL_OBLIGATION]),
    event=Personal(datamap.ACTIVITY, datamap.GENERATED, [datamap.SECURITY, datamap.LEGAL_OBLIGATION]),
    actor_id=Personal(datamap.ONLINE_IDENTIFIER, datamap.GENERATED, [datamap.SECURITY]),
    subject_id=Personal(datamap.ONLINE_IDENTIFIER, datamap.GENERATED, [datamap.SECURITY]),
    request_id=NotPersonal("random correlation id"),
    data=Personal(datamap.ACTIVITY, datamap.GENERATED, [datamap.SECURITY], note="ids and keyed hashes only"),
    prev_mac=NotPersonal("integrity code"),
    mac=NotPersonal("integrity code"),
)
datamap.subject(
    AuditEntry,
    datamap.Refers("actor_id", "identity.Account"),
    datamap.Refers(
        "subject_id", "identity.Account", "enrollment.Membership", "enrollment.Person", "identity.SessionRecord",
        "identity.TrustedDevice", "identity.LoginFlow", "identity.RegistrationFlow",
    ),
)  # fmt: skip
# Kept its whole period; then removed only as the chain's oldest whole rows, behind a checkpoint (AuditCut).
datamap.retain(AuditEntry, datamap.AUDIT_RECORD)
datamap.subject_unlinked(RateCounter, "keyed hashes of usernames, addresses or flows; each expires within the hour")
datamap.declare(
    AuditHead,
    id=NotPersonal("singleton row"),
    seq=NotPersonal("position in the chain"),
    mac=NotPersonal("integrity code"),
    head_mac=NotPersonal("integrity code"),
)
datamap.declare(
    AuditCut,
    seq=NotPersonal("position in the chain"),
    mac=NotPersonal("integrity code"),
    removed=NotPersonal("count of removed entries"),
    cut_at=NotPersonal("when the retention job removed them"),
    cut_mac=NotPersonal("integrity code"),
)
datamap.declare(
    RateCounter,
    id=NotPersonal("row number"),
    key=Personal(datamap.ONLINE_IDENTIFIER, datamap.GENERATED, [datamap.SECURITY], note="keyed hash of the subject"),
    count=Personal(datamap.ACTIVITY, datamap.GENERATED, [datamap.SECURITY]),
    expires_at=NotPersonal("expiry of the counter window"),
)
datamap.declare(
    StoredFile,
    id=NotPersonal("row number"),
    name=NotPersonal("random file name"),
    purpose=NotPersonal("kind of file"),
    created_at=NotPersonal("file bookkeeping"),
    expires_at=NotPersonal("file bookkeeping"),
)
datamap.declare(
    PeriodicJobState,
    name=NotPersonal("job name"),
    next_run_at=NotPersonal("job schedule"),
    last_started_at=NotPersonal("job schedule"),
    last_finished_at=NotPersonal("job schedule"),
    last_outcome=NotPersonal("counts only, never personal values"),
)


class UsedCaptcha(models.Model):
    """A solved captcha challenge, kept until it expires so the same answer cannot be sent twice.

    Used when Redis is not configured; the unique constraint lets exactly one of many concurrent
    submissions of one answer insert the row.
    """

    challenge_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)


datamap.declare(
    UsedCaptcha,
    id=NotPersonal("row number"),
    challenge_hash=NotPersonal("hash of a random server-made challenge"),
    expires_at=NotPersonal("expiry of the challenge"),
)


class WorkerHeartbeat(models.Model):
    """A running worker's lease on the tasks it claims (decision 0029): renewed while the process lives.

    A task still RUNNING whose worker has not beaten within TASK_LEASE_SECONDS is taken back.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)


class TaskEffect(models.Model):
    """The once-only mark of a queued task's effects, written in the same transaction as they are: a
    retry of the same task (its worker died after committing) finds it and does nothing."""

    key = models.CharField(max_length=64, primary_key=True)
    created_at = models.DateTimeField(db_index=True)


datamap.declare(
    WorkerHeartbeat,
    worker_id=NotPersonal("random worker id"),
    started_at=NotPersonal("worker bookkeeping"),
    beat_at=NotPersonal("worker bookkeeping"),
)
datamap.declare(
    TaskEffect,
    key=NotPersonal("id of a queued task"),
    created_at=NotPersonal("task bookkeeping"),
)
