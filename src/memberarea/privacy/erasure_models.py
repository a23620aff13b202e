"""The records of erasures and retention runs (PRIV-8, PRIV-14); imported by `privacy.models`.

In a module of their own so the consent and campaign models stay readable. Neither record holds a
personal value: an erasure remembers whom it erased (the emptied person row), when, under which
request, and how many rows of each category went; a retention run only counts.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from memberarea.core import datamap
from memberarea.core.datamap import ACTIVITY, GENERATED, LEGAL_OBLIGATION, ONLINE_IDENTIFIER, NotPersonal, Personal
from memberarea.enrollment.models import Person


class Erasure(models.Model):
    """One person erased (PRIV-8): written by `privacy.erasure.erase_person`, so a second call does nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(max_length=100, help_text="the rights request (or operator ticket) it fulfils")
    actor_id = models.CharField(max_length=64, help_text="the account that carried it out, or 'system'")
    erased_at = models.DateTimeField()
    counts = models.JSONField(default=dict, help_text="rows per category erased and anonymised; never a value")


class RetentionState(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class RetentionRun(models.Model):
    """One run of the retention job (PRIV-14): its cursor, so an interrupted run resumes, and its counts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    started_at = models.DateTimeField(help_text="also the instant every period is measured against")
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=RetentionState.choices, default=RetentionState.RUNNING)
    cursor = models.JSONField(default=dict, help_text="where to resume: the step, the model and the last key")
    batches = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="per model: rows deleted, and values per category and action")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["state"], condition=models.Q(state="running"), name="one_running_retention_run"
            )
        ]


datamap.declare(
    Erasure,
    id=NotPersonal("random id"),
    person=Personal(ONLINE_IDENTIFIER, GENERATED, [LEGAL_OBLIGATION], note="the emptied person row"),
    reference=NotPersonal("the id of a rights request"),
    actor_id=Personal(ONLINE_IDENTIFIER, GENERATED, [LEGAL_OBLIGATION], note="the officer who carried it out"),
    erased_at=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION]),
    counts=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION], note="numbers of rows per category, no value"),
)
datamap.subject(Erasure, "person")
datamap.declare(
    RetentionRun,
    id=NotPersonal("random id"),
    started_at=NotPersonal("when the job ran"),
    finished_at=NotPersonal("when the job ended"),
    state=NotPersonal("whether the run has finished"),
    cursor=NotPersonal("a model name and a row key to resume from"),
    batches=NotPersonal("how many batches the run wrote"),
    counts=NotPersonal("numbers of rows per model and category, no value"),
)
