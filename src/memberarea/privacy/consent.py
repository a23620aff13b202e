"""Consent changes (PRIV-2, PRIV-3, PRIV-5): the one writer of `ConsentRecord` and `ConsentChoice`.

A choice is recorded only when it changes: giving what is already given, or withdrawing what was
never given (every purpose is opt-in, so "never chosen" means "not given"), writes nothing.
"""

from dataclasses import dataclass

from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.identity.models import Account

from .models import ActorKind, ConsentChoice, ConsentMethod, ConsentPurpose, ConsentRecord, DocumentKind
from .selectors import version_in_force


@dataclass(frozen=True)
class Actor:
    """Who made the change, when it was not the account holder through their own session or app."""

    kind: ActorKind
    account: Account | None = None


MEMBER = Actor(ActorKind.MEMBER)


def consent_set(
    *,
    account: Account,
    changes: dict[ConsentPurpose, bool],
    method: ConsentMethod,
    language: str,
    actor: Actor = MEMBER,
    gpc: bool = False,
) -> list[ConsentRecord]:
    """Apply each purpose's new answer; returns the records written, one per purpose that changed.

    All in one transaction with their audit entries: a form with several switches is one change of
    mind, and a failure leaves every choice as it was.
    """
    written: list[ConsentRecord] = []
    with transaction.atomic():
        current = {
            choice.purpose: choice
            for choice in ConsentChoice.objects.select_for_update().filter(account=account, purpose__in=list(changes))
        }
        notice = version_in_force(DocumentKind.NOTICE)
        at = clock.now()
        for purpose, given in changes.items():
            choice = current.get(purpose)
            if (choice.given if choice else False) == given:
                continue
            record = ConsentRecord.objects.create(
                account=account,
                purpose=purpose,
                given=given,
                method=method,
                actor_kind=actor.kind,
                actor=actor.account,
                notice_version=notice,
                language=language,
                gpc=gpc,
                at=at,
            )
            ConsentChoice.objects.update_or_create(
                account=account,
                purpose=purpose,
                defaults={"given": given, "method": method, "record": record, "at": at},
            )
            audit_record(
                event="consent_changed",
                actor_id=str(actor.account.pk if actor.account else account.pk),
                subject_id=str(account.pk),
                data={"purpose": str(purpose), "given": given, "method": str(method), "receipt": str(record.pk)},
            )
            written.append(record)
    return written
