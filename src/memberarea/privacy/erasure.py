"""Erasure (PRIV-8 "delete"): a person's portal data erased or anonymised, driven by the data map alone.

`erase_person(person=…, actor=…, reference=…)` walks every linked model (`holdings.linked_models`)
and the person's rows in it (`Holdings`), and for each personal field does what its rule says:

- **erase**: the value goes (`scrubbing.erased_value`); a row whose every personal field is erased
  is deleted, unless a row that stays needs it (a kept consent record needs its account);
- **anonymise**: the value is coarsened for counts (`scrubbing.anonymised_value`);
- **keep**: left as it is, under the rule's legal duty and period, and blocked from any other use
  by a processing restriction on the account.

A partner export whose file still holds the person is withdrawn and its file deleted
(`partners.partner_exports_withdraw`). A row that is also about another person (a family policy,
a guardianship) is left to them and listed as kept for that reason. Before any value goes, the
person is put on the suppression list (so the next import does not bring them back) and the
account is closed (`identity.closure`). The core system is told through the integration outbox
(`core.member_erasure`) with the member numbers only: the one thing it needs to find the member,
and nothing else of theirs leaves. The report counts rows per category — never a value — and lists
what is kept; `kept_for(person)` gives that list again later (the member's next export, the page
after the erasure). One transaction; a second call answers the first erasure's report and changes nothing.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock, datamap
from memberarea.core.audit import audit_record
from memberarea.enrollment.models import Person
from memberarea.enrollment.services import suppression_add
from memberarea.identity.closure import account_close
from memberarea.identity.models import Account
from memberarea.notifications.integration import integration_message_send

from .disclosures import ERASURE_TOPIC, core_system_disclose
from .holdings import Holdings, field_rules, linked_models
from .models import Erasure
from .partners import partner_exports_withdraw
from .restrictions import restriction_start
from .scrubbing import Tally, children_first, rows_required, rows_shared

SHARED_REASON = _("It is also about another member, who keeps it")


@dataclass(frozen=True)
class KeptItem:
    """What the member reads about one kind of data kept: category, reason and period (no value)."""

    category: str
    label: str
    reason: str
    period: str


@dataclass
class ErasureReport:
    person_id: str
    reference: str
    already_erased: bool
    erased: dict[str, int] = field(default_factory=dict)  # rows per category whose values went
    anonymised: dict[str, int] = field(default_factory=dict)  # rows per category coarsened for counts
    deleted: dict[str, int] = field(default_factory=dict)  # rows deleted per model label
    kept: list[KeptItem] = field(default_factory=list)


def erase_person(*, person: Person, actor: Account | None, reference: str) -> ErasureReport:
    """Erase what the map lets go, keep what a duty keeps, close the account, suppress re-imports."""
    actor_id = str(actor.pk) if actor else "system"
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        done = Erasure.objects.filter(person=person).first()
        if done is not None:
            return _report(done, already_erased=True)
        member_numbers = sorted(person.memberships.values_list("member_number", flat=True))
        suppression_add(person=person, actor_id=actor_id)
        if person.account is not None:
            account_close(account=person.account, actor_id=actor_id)
            restriction_start(account=person.account, actor=actor)
        partner_exports_withdraw(person=person, actor_id=actor_id)
        tally = _carry_out(person)
        erasure = Erasure.objects.create(
            person=person, reference=reference, actor_id=actor_id, erased_at=clock.now(), counts=tally.as_json()
        )
        integration_message_send(
            topic=ERASURE_TOPIC,
            payload={"member_numbers": member_numbers, "erased_at": erasure.erased_at.isoformat()},
            reference=f"{ERASURE_TOPIC}:{reference}",
            person=person,
        )
        core_system_disclose(person=person, categories=[datamap.INSURANCE], reference=f"{ERASURE_TOPIC}:{reference}")
        audit_record(
            event="privacy.person_erased",
            actor_id=actor_id,
            subject_id=str(person.pk),
            data={"reference": reference, "rows_deleted": sum(tally.deleted_rows().values())},
        )
    return _report(erasure, already_erased=False)


def kept_for(person: Person) -> list[KeptItem]:
    """What is kept about the person, why and for how long, in the active language (from the map)."""
    holdings = Holdings(person)
    items: set[KeptItem] = set()
    for model in linked_models():
        rules = field_rules(model)
        rows = set(holdings.rows(model).values_list("pk", flat=True))
        if not rows:
            continue
        for _name, declaration, rule in rules:
            if rule.kept:
                items.add(_item(declaration.category, rule.duty, rule))
        if rows_shared(model, rows, person):
            items.update(_item(declaration.category, SHARED_REASON, rule) for _name, declaration, rule in rules)
    return sorted(items, key=lambda item: (item.label, item.reason, item.period))


def erased(person: Person) -> bool:
    return Erasure.objects.filter(person=person).exists()


def _item(category: str, reason: Any, rule: datamap.Rule) -> KeptItem:
    return KeptItem(
        category=category,
        label=str(datamap.CATEGORY_LABELS[category]),
        reason=str(reason),
        period=datamap.retention_label(rule),
    )


def _report(erasure: Erasure, *, already_erased: bool) -> ErasureReport:
    tally = Tally.from_json(erasure.counts)
    return ErasureReport(
        person_id=str(erasure.person_id),
        reference=erasure.reference,
        already_erased=already_erased,
        erased=tally.per_category(datamap.ERASE),
        anonymised=tally.per_category(datamap.ANONYMISE),
        deleted=tally.deleted_rows(),
        kept=kept_for(erasure.person),
    )


def _carry_out(person: Person) -> Tally:
    """Delete and empty the person's rows as the map says, children before the rows they point at."""
    holdings = Holdings(person)
    models = children_first(linked_models())
    rows = {model._meta.label: set(holdings.rows(model).values_list("pk", flat=True)) for model in models}
    shared = {model._meta.label: rows_shared(model, rows[model._meta.label], person) for model in models}
    going: dict[str, set[Any]] = {}
    for model in models:
        label = model._meta.label
        if all(rule.erasure == datamap.ERASE for _name, _declaration, rule in field_rules(model)):
            going[label] = rows[label] - shared[label]
    _keep_what_is_needed(models, going)
    tally = Tally()
    for model in models:
        label = model._meta.label
        if going.get(label):
            model._default_manager.filter(pk__in=going[label]).delete()
            tally.deleted(model, len(going[label]))
        staying = rows[label] - going.get(label, set()) - shared[label]
        actions = {name: rule.erasure for name, _declaration, rule in field_rules(model) if not rule.kept}
        if staying and actions:
            for row in model._default_manager.filter(pk__in=staying).iterator(chunk_size=500):
                tally.scrubbed(row, actions)
    return tally


def _keep_what_is_needed(models: list[type[Model]], going: dict[str, set[Any]]) -> None:
    """Take out of `going` every row a staying row needs, until nothing more changes."""
    changed = True
    while changed:
        changed = False
        for model in models:
            label = model._meta.label
            required = rows_required(model, going.get(label, set()), going)
            if required:
                going[label] -= required
                changed = True
