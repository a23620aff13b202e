"""The retention job (PRIV-14): what each rule of the data map says has expired is erased or anonymised.

A field's rule (`datamap.Rule`) keeps it `days` from when it was recorded or from the end of the
person's relationship. Expired, an erased or kept field is erased (a legal duty ends with its period),
an anonymised one coarsened, the same way as an erasure does it (`privacy.scrubbing`); a row whose
every personal field has expired with nothing to anonymise is deleted unless a row that stays needs it.

- **Recorded**: the row's `created_at`, or its first date-and-time column that is never empty
  (`recorded_column`). The job walks each model's rows older than its shortest such period.
- **Relationship end**: `PRIVACY_CENTRE_AFTER_END_DAYS` after the person's last membership ended,
  when none is current (until then they still use the privacy centre), or the day of their
  erasure. The job walks those persons' rows through the map's links (`Holdings`), leaving a row
  also about another person to that person.

- **The audit log** (`AuditEntry`) is never scrubbed field by field, nor walked per person: an edited
  or a missing link in the middle would break its HMAC chain. Its entries go as whole rows, oldest
  first, once recorded longer ago than its period, each batch behind a MACed checkpoint written in
  the same transaction (`audit_cut_expired`, decision 0041).

The job works in batches, each one transaction that also moves the run's cursor (`RetentionRun`):
an interrupted run is resumed by the next call and finishes; a finished run does not repeat, and
a second run finds nothing left to do. Every period is measured against the run's start. The run
counts per model and category — never a value — for the privacy officer's page.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Max, Model, Q

from memberarea.core import clock, datamap
from memberarea.core.audit import audit_cut_expired
from memberarea.core.models import AuditEntry
from memberarea.enrollment.models import Person

from .holdings import Holdings, field_rules, linked_models
from .models import Erasure, RetentionRun
from .models import RetentionState as State
from .scrubbing import Tally, children_first, rows_required, rows_shared

PERSONS = "persons"  # the step that walks persons whose relationship ended


def retention_run(*, batch_rows: int | None = None, max_batches: int | None = None) -> RetentionRun:
    """Run (or resume) the retention job for at most `max_batches` batches; the run, finished or not."""
    size = batch_rows or settings.RETENTION_BATCH_ROWS
    run = RetentionRun.objects.filter(state=State.RUNNING).first()
    if run is None:
        run = RetentionRun.objects.create(started_at=clock.now(), cursor={"step": 0, "after": None})
    steps = _steps()
    done = 0
    while run.state == State.RUNNING and (max_batches is None or done < max_batches):
        with transaction.atomic():
            run = RetentionRun.objects.select_for_update().get(pk=run.pk)
            if run.state != State.RUNNING:
                break
            tally = Tally.from_json(run.counts)
            _batch(run, steps, size, tally)
            run.counts, run.batches = tally.as_json(), run.batches + 1
            if run.cursor["step"] >= len(steps):
                run.state, run.finished_at = State.FINISHED, clock.now()
            run.save()
        done += 1
    return run


def retention_due() -> bool:
    """A run is unfinished, or the last one started RETENTION_EVERY_HOURS ago or more."""
    last = RetentionRun.objects.order_by("-started_at").first()
    every = dt.timedelta(hours=settings.RETENTION_EVERY_HOURS)
    return last is None or last.state == State.RUNNING or last.started_at + every <= clock.now()


def recorded_column(model: type[Model]) -> str | None:
    """When a row was recorded: its `created_at`, or its first date-and-time column that is never empty."""
    fields = [field for field in model._meta.local_concrete_fields if isinstance(field, models.DateTimeField)]
    chosen = [field for field in fields if field.name == "created_at"] or [field for field in fields if not field.null]
    return chosen[0].name if chosen else None


def _steps() -> list[str]:
    """One step per model with a period counted from recording (children first), then the persons."""
    recorded = [
        model
        for model in linked_models()
        if recorded_column(model) and any(rule.starts == datamap.FROM_RECORDED for *_, rule in field_rules(model))
    ]
    return [model._meta.label for model in children_first(recorded)] + [PERSONS]


def _batch(run: RetentionRun, steps: list[str], size: int, tally: Tally) -> None:
    step, after = steps[run.cursor["step"]], run.cursor["after"]
    if step == PERSONS:
        keys = _persons_batch(run.started_at, after, size, tally)
    elif step == AuditEntry._meta.label:
        keys = _audit_batch(run.started_at, size, tally)
    else:
        keys = _recorded_batch(_model(step), run.started_at, after, size, tally)
    run.cursor = (
        {"step": run.cursor["step"] + 1, "after": None}
        if len(keys) < size
        else {
            "step": run.cursor["step"],
            "after": str(keys[-1]),
        }
    )


def _model(label: str) -> type[Model]:
    return next(model for model in linked_models() if model._meta.label == label)


def _recorded_batch(model: type[Model], now: dt.datetime, after: str | None, size: int, tally: Tally) -> list[Any]:
    """The next rows of the model recorded before its shortest period, each expired as its rules say."""
    column = recorded_column(model)
    shortest = min(rule.days for *_, rule in field_rules(model) if rule.starts == datamap.FROM_RECORDED)
    rows = model._default_manager.filter(**{f"{column}__lte": now - dt.timedelta(days=shortest)}).order_by("pk")
    if after is not None:
        rows = rows.filter(pk__gt=model._meta.pk.to_python(after))
    batch = list(rows[:size])
    _expire(model, batch, now, relationship_end=None, tally=tally)
    return [row.pk for row in batch]


def _audit_batch(now: dt.datetime, size: int, tally: Tally) -> list[Any]:
    """The next oldest audit entries past their period, removed as a prefix of the chain behind a checkpoint.

    No cursor is needed to resume: what a committed batch removed is gone, so the next starts at the
    chain's new beginning."""
    longest = max(rule.days for *_, rule in field_rules(AuditEntry))
    seqs = audit_cut_expired(recorded_before=now - dt.timedelta(days=longest), limit=size)
    if seqs:
        tally.deleted(AuditEntry, len(seqs))
    return seqs


def _ended_persons(now: dt.datetime):
    """Persons whose relationship has ended: their last membership and the privacy centre's period after it,
    or an erasure."""
    today = now.date()
    current = Count("memberships", filter=Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today))
    closed = today - dt.timedelta(days=settings.PRIVACY_CENTRE_AFTER_END_DAYS)
    erased = Erasure.objects.values("person_id")
    return Person.objects.annotate(current=current, last_end=Max("memberships__end_date")).filter(
        Q(current=0, last_end__lte=closed) | Q(pk__in=erased)
    )


def _persons_batch(now: dt.datetime, after: str | None, size: int, tally: Tally) -> list[Any]:
    persons = _ended_persons(now).order_by("pk")
    if after is not None:
        persons = persons.filter(pk__gt=Person._meta.pk.to_python(after))
    batch = list(persons[:size])
    erased_on = dict(Erasure.objects.filter(person__in=batch).values_list("person_id", "erased_at"))
    for person in batch:
        ended = erased_on.get(person.pk) or dt.datetime.combine(
            person.last_end + dt.timedelta(days=settings.PRIVACY_CENTRE_AFTER_END_DAYS), dt.time(), tzinfo=dt.UTC
        )
        holdings = Holdings(person)
        models_ = [model for model in children_first(linked_models()) if model is not AuditEntry]  # its own step
        rows = {model: set(holdings.rows(model).values_list("pk", flat=True)) for model in models_}
        for model in models_:
            mine = rows[model] - rows_shared(model, rows[model], person)
            loaded = list(model._default_manager.filter(pk__in=mine).order_by("pk"))
            _expire(model, loaded, now, relationship_end=ended, tally=tally)
    return [person.pk for person in batch]


def _expire(
    model: type[Model], rows: list[Model], now: dt.datetime, *, relationship_end: dt.datetime | None, tally: Tally
) -> None:
    """Erase or anonymise the expired fields of `rows`; delete the rows with every field expired and erased."""
    rules = field_rules(model)
    column = recorded_column(model)
    planned: list[tuple[Model, dict[str, str]]] = []
    for row in rows:
        recorded = getattr(row, column) if column else None
        actions = {}
        for name, _declaration, rule in rules:
            start = recorded if rule.starts == datamap.FROM_RECORDED else relationship_end
            if start is not None and start + dt.timedelta(days=rule.days) <= now:
                actions[name] = datamap.ANONYMISE if rule.erasure == datamap.ANONYMISE else datamap.ERASE
        if actions:
            planned.append((row, actions))
    whole = {
        row.pk for row, actions in planned if len(actions) == len(rules) and datamap.ANONYMISE not in actions.values()
    }
    going = whole - rows_required(model, whole, {model._meta.label: whole})
    if going:
        model._default_manager.filter(pk__in=going).delete()
        tally.deleted(model, len(going))
    for row, actions in planned:
        if row.pk not in going:
            tally.scrubbed(row, actions)
