"""Emptying personal fields and deleting rows, for the erasure (PRIV-8) and the retention job (PRIV-14).

Both read the data map only; this module says what "erase" and "anonymise" do to one stored value,
and when a row may go altogether:

- **erase**: the value goes — NULL where the column allows it, otherwise a neutral value that says
  nothing (empty text, 0, false, 1 January 1900) or, for a unique column, `erased-<random>`;
- **anonymise**: what is kept for counts stays countable but stops pointing at a moment or a text —
  dates and times fall to the first day of their month, free text empties, choices, numbers and
  yes/no values stay (alone, in a row whose other values are gone, they name nobody);
- **keys and links are structural**: a primary key and a relation to another row stay as long as
  their row does (the row they point at is emptied or deleted in its turn), so what a legal duty
  keeps can still be found for the member's export and the officer;
- **a row is deleted** when every personal field of it is erased and no row that stays needs it
  (a relation that would cascade or protect); `rows_required` finds those that must stay.
"""

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Model

from memberarea.core import datamap
from memberarea.core.fields import EncryptedDateField, EncryptedField

ERASED_PREFIX = "erased-"
NEUTRAL_DATE = dt.date(1900, 1, 1)
NEUTRAL_TIME = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


def structural(field: models.Field) -> bool:
    """A key or a link: it goes with its row, never alone."""
    return bool(field.primary_key or field.is_relation)


# Neutral values by kind of column, most specific first (a DateTimeField is a DateField).
_NEUTRAL_BY_TYPE: tuple[tuple[type, Any], ...] = (
    (EncryptedDateField, NEUTRAL_DATE),
    (models.BooleanField, False),
    (models.DateTimeField, NEUTRAL_TIME),
    (models.DateField, NEUTRAL_DATE),
    (models.IntegerField, 0),
    (models.FloatField, 0),
    (models.DecimalField, 0),
)


def _neutral(field: models.Field) -> Any:
    """A value for a column that cannot be NULL: says nothing, and is unique where it must be."""
    for kind, value in _NEUTRAL_BY_TYPE:
        if isinstance(field, kind):
            return value
    if isinstance(field, models.JSONField):
        return {}
    if field.unique:
        return f"{ERASED_PREFIX}{uuid.uuid4().hex}"[: field.max_length]
    return field.get_default() if field.choices and field.has_default() else ""


def erased_value(field: models.Field, current: Any) -> Any:
    """What an erased field holds: NULL, or the neutral value (a unique placeholder is kept once set)."""
    if field.null:
        return None
    if field.unique and isinstance(current, str) and current.startswith(ERASED_PREFIX):
        return current
    return _neutral(field)


def anonymised_value(field: models.Field, current: Any) -> Any:
    """What an anonymised field holds: coarse enough to count, too coarse to point at anyone."""
    if current is None:
        return None
    if isinstance(current, dt.datetime):
        return current.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if isinstance(current, dt.date):
        return current.replace(day=1)
    if isinstance(current, bool | int | float) or field.choices:
        return current
    return erased_value(field, current)


def row_scrub(row: Model, actions: dict[str, str]) -> list[str]:
    """Apply `actions` ({field name: ERASE | ANONYMISE}) to a loaded row; the names of the fields that changed.

    Structural fields are left to the row. Nothing is written: the caller saves `update_fields`."""
    changed = []
    for name, action in actions.items():
        field = row._meta.get_field(name)
        if not isinstance(field, models.Field) or structural(field):
            continue
        current = getattr(row, field.attname)
        wanted = erased_value(field, current) if action == datamap.ERASE else anonymised_value(field, current)
        if wanted != current:
            if isinstance(field, EncryptedField) and wanted == "" and current in ("", None):
                continue
            setattr(row, field.attname, wanted)
            changed.append(name)
    return changed


def _relations_to(model: type[Model]) -> list:
    """Every relation from another model's rows to this one's, hidden ones (related_name="+") included."""
    return [
        relation
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
    ]


def rows_required(model: type[Model], pks: set[Any], leaving: dict[str, set[Any]]) -> set[Any]:
    """Of `pks`, the rows another row still needs: a relation that cascades or protects from a row not in
    `leaving` (rows of other models that are going too, by label). A SET_NULL relation needs nothing."""
    required: set[Any] = set()
    if not pks:
        return required
    for relation in _relations_to(model):
        if relation.on_delete in (models.SET_NULL, models.SET_DEFAULT):
            continue
        referencing = relation.related_model
        column = relation.field.name
        stays = referencing._default_manager.filter(**{f"{column}__in": pks})
        going = leaving.get(referencing._meta.label)
        if going:
            stays = stays.exclude(pk__in=going)
        required.update(stays.values_list(relation.field.attname, flat=True).distinct())
    return required


def rows_shared(model: type[Model], pks: set[Any], person: Model) -> set[Any]:
    """Of a person's rows, those a link of the map also ties to another person (a family policy)."""
    shared: set[Any] = set()
    for link in datamap.SUBJECTS.get(model._meta.label, ()):
        if not isinstance(link, str) or link == datamap.SELF:
            continue
        pairs = model._default_manager.filter(pk__in=pks, **{f"{link}__isnull": False}).values_list("pk", link)
        shared.update(pk for pk, owner in pairs if owner != person.pk)
    return shared


def children_first(model_list: Iterable[type[Model]]) -> list[type[Model]]:
    """Models ordered so that one holding a relation to another comes before it (cycles keep label order)."""
    remaining = sorted(model_list, key=lambda model: model._meta.label)
    ordered: list[type[Model]] = []
    while remaining:
        labels = {model._meta.label for model in remaining}
        ready = [
            model
            for model in remaining
            if not any(
                relation.related_model._meta.label in labels and relation.related_model is not model
                for relation in _relations_to(model)
            )
        ]
        chosen = ready or remaining[:1]
        ordered.extend(chosen)
        remaining = [model for model in remaining if model not in chosen]
    return ordered


class Tally:
    """What an erasure or a retention run did, per model: rows deleted, and rows per category of which
    values were erased or anonymised. Counts only, never a value."""

    def __init__(self) -> None:
        self.by_model: dict[str, Counter[str]] = {}

    @classmethod
    def from_json(cls, stored: dict[str, dict[str, int]]) -> "Tally":
        tally = cls()
        tally.by_model = {label: Counter(counts) for label, counts in stored.items()}
        return tally

    def _of(self, model: type[Model]) -> Counter[str]:
        return self.by_model.setdefault(model._meta.label, Counter())

    def deleted(self, model: type[Model], rows: int) -> None:
        tally = self._of(model)
        tally["deleted"] += rows
        for category in {declaration.category for _name, declaration in datamap.personal_declarations(model)}:
            tally[f"{datamap.ERASE}:{category}"] += rows

    def scrubbed(self, row: Model, actions: dict[str, str]) -> bool:
        """Empty the row's fields as `actions` say and save them; False when nothing was left to change."""
        changed = row_scrub(row, actions)
        if not changed:
            return False
        row.save(update_fields=changed)
        categories = {
            (actions[name], declaration.category)
            for name, declaration in datamap.personal_declarations(type(row))
            if name in changed
        }
        self._of(type(row)).update(f"{action}:{category}" for action, category in categories)
        return True

    def as_json(self) -> dict[str, dict[str, int]]:
        return {label: dict(sorted(counts.items())) for label, counts in sorted(self.by_model.items()) if counts}

    def deleted_rows(self) -> dict[str, int]:
        return {label: counts["deleted"] for label, counts in sorted(self.by_model.items()) if counts["deleted"]}

    def per_category(self, action: str) -> dict[str, int]:
        """Rows per category across models for one action (ERASE or ANONYMISE)."""
        total: Counter[str] = Counter()
        for counts in self.by_model.values():
            total.update({key.split(":", 1)[1]: n for key, n in counts.items() if key.startswith(f"{action}:")})
        return dict(sorted(total.items()))
