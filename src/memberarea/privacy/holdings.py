"""What we hold about a person, generated from the data map (PRIV-7, PRIV-8): nothing here names a model.

The map says, per model, how its rows reach the person they are about (`datamap.subject`) and, per
field, its category, source, purposes and rule (`datamap.rule_for`). From that alone:

- `holdings_for(actor=…, member_id=…)` — the "what we hold about you" summary of the member the actor
  may act for (through `members.access`): categories, sources, purposes, retention and what an erasure
  does, per category and per model and field, with the number of rows — never a value;
- the access export of a person, `export_rows(person)` and its forms: a Python structure
  (`access_export`), JSON (`export_json`), a readable HTML page (`export_html`) and CSV files in a ZIP
  (`export_csv_zip`, portability). Every exported personal field of every row that belongs to the
  person, values decrypted. They stream: rows are read in chunks with `.iterator()` and written as
  they come. The person is the one an access check granted (a rights request asks it first).

The person is the human being behind memberships and the account (`enrollment.Person`): acting for a
minor reaches the minor's rows only, since no link of the map passes from one person to another.
"""

import csv
import datetime as dt
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import chain, groupby
from operator import itemgetter
from typing import IO, Any

from django.apps import apps
from django.db.models import CharField, Func, Model, Q, QuerySet, UUIDField
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from memberarea.core import clock, datamap
from memberarea.core.labels import event_label
from memberarea.enrollment.models import Person
from memberarea.identity.models import Account
from memberarea.members.access import Purpose, access_member

from .column_labels import COLUMN_LABELS
from .models import Erasure

CHUNK_ROWS = 50  # rows held at once per query: the export's memory is flat past this many (PERF-6)
EXPORT_VERSION = 1


class Holdings:
    """The rows of one person, model by model, as the map's links find them.

    A link through an id column (`Refers`) filters by a subquery, never by a list of ids read into
    Python: the audit log refers to every session, so such a list would grow with the member (PERF-6)."""

    def __init__(self, person: Person) -> None:
        self.person = person

    def rows(self, model: type[Model]) -> QuerySet:
        """The model's rows that belong to the person (none for a model the map does not link)."""
        condition = Q(pk__in=[])
        for link in datamap.SUBJECTS.get(model._meta.label, ()):
            if isinstance(link, datamap.Refers):
                column = model._meta.get_field(link.column)
                for target in link.models:
                    condition |= Q(**{f"{link.column}__in": self._keys(apps.get_model(target), column)})
            elif link == datamap.SELF:
                condition |= Q(pk=self.person.pk)
            else:
                condition |= Q(**{link: self.person})
        # A link through a many-valued relation (a policy's memberships) could repeat a row: select by key.
        return model._default_manager.filter(pk__in=model._default_manager.filter(condition).values("pk"))

    def _keys(self, target: type[Model], column: Any) -> QuerySet:
        """The person's keys of `target` as `column` holds them: the key itself, or a UUID key as text."""
        key = target._meta.pk
        if type(column) is type(key):
            return self.rows(target).values("pk")
        if isinstance(column, CharField) and isinstance(key, UUIDField):
            return self.rows(target).values(key_text=UUIDText("pk"))
        raise TypeError(f"{column} cannot hold a key of {target._meta.label}")


class UUIDText(Func):
    """A UUID key as `str(uuid)` writes it (how text columns such as the audit log's subject_id hold
    ids): PostgreSQL's cast gives that form; SQLite stores 32 hex digits, so the dashes go back in."""

    template = "CAST(%(expressions)s AS text)"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        parts = [f"substr({sql}, {start}, {length})" for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))]
        return " || '-' || ".join(parts), params * len(parts)


def linked_models() -> list[type[Model]]:
    """Every installed model with personal fields whose rows reach a person, in label order."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if model._meta.label in datamap.SUBJECTS and datamap.personal_fields(model)
        ),
        key=lambda model: model._meta.label,
    )


def field_rules(model: type[Model]) -> list[tuple[str, datamap.Personal, datamap.Rule]]:
    """The model's personal fields with their declarations and rules."""
    label = model._meta.label
    return [
        (name, declaration, datamap.rule_of(label, name, declaration))
        for name, declaration in datamap.personal_declarations(model)
    ]


def exported_fields(model: type[Model], *, kept_only: bool = False) -> list[str]:
    """The model's personal columns that the access and portability exports carry (after an erasure, only
    those kept under a legal duty: the rest was erased or anonymised)."""
    columns = {field.name for field in model._meta.local_concrete_fields}
    return [
        name
        for name, _declaration, rule in field_rules(model)
        if name in columns and rule.exported and (rule.kept or not kept_only)
    ]


# --- the summary: what we hold, never a value ------------------------------------------------------------
def holdings_for(*, actor: Account, member_id: uuid.UUID) -> dict[str, Any]:
    """The summary for a member the actor may act for (self, or a guardian for a minor); NOT_FOUND otherwise."""
    membership = access_member(actor=actor, member_id=member_id, purpose=Purpose.VIEW).membership
    return {"member_id": str(membership.pk), **holdings_summary(membership.person)}


def holdings_summary(person: Person) -> dict[str, Any]:
    holdings = Holdings(person)
    counted = [(model, holdings.rows(model).count()) for model in linked_models()]
    return {
        "categories": _categories([model for model, records in counted if records]),
        "models": [_model_summary(model, records) for model, records in counted],
        "unlinked": [{"model": label, "reason": reason} for label, reason in sorted(datamap.UNLINKED.items())],
    }


def _model_summary(model: type[Model], records: int) -> dict[str, Any]:
    fields = [
        {
            "field": name,
            "category": declaration.category,
            "source": declaration.source,
            "purposes": sorted(declaration.purposes),
            "retention_days": rule.days,
            "retention_starts": rule.starts,
            "exported": rule.exported,
            "erasure": rule.erasure,
            "duty": str(rule.duty),
        }
        for name, declaration, rule in field_rules(model)
    ]
    return {"model": model._meta.label, "records": records, "fields": fields}


def _categories(held: list[type[Model]]) -> list[dict[str, Any]]:
    """Per category of what is held: its sources, purposes and rules, in the active language."""
    grouped: dict[str, dict[str, set]] = {}
    for model in held:
        for _name, declaration, rule in field_rules(model):
            group = grouped.setdefault(declaration.category, {"sources": set(), "purposes": set(), "rules": set()})
            group["sources"].add(declaration.source)
            group["purposes"].update(declaration.purposes)
            group["rules"].add(rule)
    return [
        {
            "category": category,
            "label": str(datamap.CATEGORY_LABELS[category]),
            "special": category in datamap.SPECIAL_CATEGORIES,
            "sources": [str(datamap.SOURCE_LABELS[code]) for code in sorted(group["sources"])],
            "purposes": [str(datamap.PURPOSE_LABELS[code]) for code in sorted(group["purposes"])],
            "rules": [_rule_text(rule) for rule in sorted(group["rules"], key=_rule_order)],
        }
        for category, group in sorted(grouped.items(), key=lambda item: str(datamap.CATEGORY_LABELS[item[0]]))
    ]


def _rule_order(rule: datamap.Rule) -> tuple:
    return (rule.erasure, rule.starts, rule.days, rule.exported, str(rule.duty))


def _rule_text(rule: datamap.Rule) -> dict[str, Any]:
    return {
        "retention": datamap.retention_label(rule),
        "exported": rule.exported,
        "erasure": str(datamap.ERASURE_LABELS[rule.erasure]),
        "duty": str(rule.duty),
    }


# --- the access export: values, decrypted, streamed ------------------------------------------------------
def export_rows(person: Person) -> Iterator[tuple[str, dict[str, Any]]]:
    """(model label, {field: value}) for every row of the person, exported fields only, chunk by chunk."""
    holdings = Holdings(person)
    kept_only = Erasure.objects.filter(person=person).exists()
    for model in linked_models():
        names = exported_fields(model, kept_only=kept_only)
        if not names:
            continue
        # Instances, not .values(): an encrypted field opens through the model attribute (its key binds the row).
        attnames = {field.name: field.attname for field in model._meta.local_concrete_fields}
        attributes = [(name, attnames[name]) for name in names]
        for row in holdings.rows(model).order_by("pk").only(*names).iterator(chunk_size=CHUNK_ROWS):
            yield model._meta.label, {name: _plain(getattr(row, attribute)) for name, attribute in attributes}


def export_rows_count(person: Person) -> int:
    """How many rows `export_rows` yields: the total for an export job's progress."""
    holdings = Holdings(person)
    return sum(holdings.rows(model).count() for model in linked_models() if exported_fields(model))


ExportRows = Iterable[tuple[str, dict[str, Any]]]


def access_export(person: Person) -> dict[str, Any]:
    """The export as one Python structure: {"format", "generated_at", "records": {label: [rows]}}."""
    records: dict[str, list[dict[str, Any]]] = {}
    for label, row in export_rows(person):
        records.setdefault(label, []).append(row)
    return {"format": EXPORT_VERSION, "generated_at": clock.now().isoformat(), "records": records}


def export_json(person: Person, source: ExportRows | None = None) -> Iterator[str]:
    """The same structure as JSON text, written row by row. `source`: export_rows(person), or a
    wrapper of it that counts (an export job's progress)."""
    yield f'{{"format": {EXPORT_VERSION}, "generated_at": {json.dumps(clock.now().isoformat())}, "records": {{'
    for index, (label, rows) in enumerate(groupby(_rows_of(person, source), key=itemgetter(0))):
        yield ("," if index else "") + f"{json.dumps(label)}: ["
        for number, (_label, row) in enumerate(rows):
            yield ("," if number else "") + json.dumps(row, ensure_ascii=False)
        yield "]"
    yield "}}"


# Inline so the file reads the same offline, years later: wraps on a phone, a table scrolls in its own box.
_HTML_STYLE = (
    "body{font-family:system-ui,sans-serif;line-height:1.45;margin:1rem auto;max-width:75rem;padding:0 1rem}"
    ".records{overflow-x:auto;margin-bottom:2rem}table{border-collapse:collapse;min-width:100%}"
    "th,td{border:1px solid #8a8a8a;padding:.35rem .5rem;text-align:left;vertical-align:top;"
    "min-width:8rem;max-width:24rem;overflow-wrap:break-word}"
    "th small,h2 small{display:block;font-weight:normal;color:#444}"
)


def export_html(person: Person, source: ExportRows | None = None) -> Iterator[str]:
    """A readable, self-contained HTML page in the active language: a table per kind of record, headed
    by what the data map calls its categories, with dates and structured values written for people."""
    title = escape(_("The personal data we hold about you"))
    prepared = escape(_("Prepared on %(date)s.") % {"date": formats.date_format(clock.now())})
    yield (
        f'<!DOCTYPE html>\n<html lang="{escape(get_language())}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_HTML_STYLE}</style></head><body><h1>{title}</h1><p>{prepared}</p>"
    )
    empty = True
    for label, rows in groupby(_rows_of(person, source), key=itemgetter(0)):
        empty = False
        first_label, first = next(rows)
        categories = _field_categories(label)
        heading = " · ".join(dict.fromkeys(categories.get(name, "") for name in first if name in categories))
        head = "".join(_column_head(name, categories.get(name, "")) for name in first)
        yield (
            f"<h2>{escape(heading)}<small>{escape(label)}</small></h2>"
            f'<div class="records"><table><thead><tr>{head}</tr></thead><tbody>'
        )
        for _label, row in chain([(first_label, first)], rows):
            cells = (_NAMED_CODES.get((label, name), _readable)(value) for name, value in row.items())
            yield "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"
        yield "</tbody></table></div>"
    if empty:
        nothing = escape(_("We hold no personal data about you."))
        yield f"<p>{nothing}</p>"
    yield "</body></html>"


# Codes nobody outside the project can read, by (model, field): the readable page gives their names.
_NAMED_CODES: dict[tuple[str, str], Callable[[str], str]] = {("core.AuditEntry", "event"): event_label}


def column_label(name: str) -> str:
    """A field's column head in the active language (column_labels.py); a field without one, its name."""
    label = COLUMN_LABELS.get(name)
    return str(label) if label is not None else capfirst(name.replace("_", " "))


def _column_head(name: str, category: str) -> str:
    return f'<th scope="col">{escape(column_label(name))}<small>{escape(category)}</small></th>'


def _field_categories(label: str) -> dict[str, str]:
    """Field name → the translated category the data map gives it."""
    model = apps.get_model(label)
    return {
        name: str(datamap.CATEGORY_LABELS[declaration.category])
        for name, declaration in datamap.personal_declarations(model)
    }


def _readable(value: Any) -> str:
    """A value as a person reads it: instants and dates in the page's language, yes and no, structures
    as "key: value"."""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_readable(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(_readable(item) for item in value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        return _readable_instant(value)
    return _cell(value)


def _readable_instant(value: str) -> str:
    """An ISO date or date-time in the page's language (a text that only looks like one stays as it is)."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) == 10:
        return formats.date_format(moment.date())
    return formats.date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "DATETIME_FORMAT")


def export_csv_zip(person: Person, target: IO[bytes], source: ExportRows | None = None) -> None:
    """Portability: one CSV file per kind of record (header: the field names) in a ZIP written to `target`."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, lines in export_csv_rows(person, source):
            with archive.open(name, "w") as entry:
                for line in lines:
                    entry.write(line.encode())


def export_csv_rows(person: Person, source: ExportRows | None = None) -> Iterator[tuple[str, Iterator[str]]]:
    """(`<app.Model>.csv`, its lines) per kind of record: the header (field names), then a line per row.
    Consume each file's lines before asking for the next file (they share one stream of rows)."""
    for label, rows in groupby(_rows_of(person, source), key=itemgetter(0)):
        yield f"{label}.csv", _csv_lines(rows)


def _csv_lines(rows: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, (_label, row) in enumerate(rows):
        if not number:
            writer.writerow(list(row))
        writer.writerow([_cell(value) for value in row.values()])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _rows_of(person: Person, source: ExportRows | None) -> ExportRows:
    return export_rows(person) if source is None else source


def _plain(value: Any) -> Any:
    """A value as JSON can carry it: ids and instants as text, JSON fields as they are."""
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, dt.date):  # dates and date-times
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    """A plain value as one CSV or HTML cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
