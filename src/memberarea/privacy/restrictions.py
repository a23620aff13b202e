"""Restriction of processing (PRIV-8 "restrict"): the services that start and lift it.

Issue 13's rights requests will call these when a member asks to restrict processing and when the
restriction ends; until then only staff tooling and tests do. While a restriction is open the account
is left out of every marketing audience (`privacy.audience`).
"""

from django.db import IntegrityError, transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.identity.models import Account

from .models import ProcessingRestriction


def restriction_start(*, account: Account, actor: Account | None = None) -> ProcessingRestriction:
    """Open a restriction on the account; an open one is returned as it is (asking twice is harmless)."""
    with transaction.atomic():
        open_one = ProcessingRestriction.objects.select_for_update().filter(account=account, lifted_at__isnull=True)
        if (existing := open_one.first()) is not None:
            return existing
        try:
            with transaction.atomic():
                restriction = ProcessingRestriction.objects.create(
                    account=account, started_at=clock.now(), started_by=actor
                )
        except IntegrityError:  # a concurrent start won: theirs is the open one
            return ProcessingRestriction.objects.get(account=account, lifted_at__isnull=True)
        audit_record(
            event="privacy.restriction_started",
            actor_id=str(actor.pk if actor else account.pk),
            subject_id=str(account.pk),
            data={"restriction": str(restriction.pk)},
        )
    return restriction


def restriction_lift(*, account: Account, actor: Account | None = None) -> bool:
    """Close the account's open restriction; False when there was none."""
    with transaction.atomic():
        restriction = (
            ProcessingRestriction.objects.select_for_update().filter(account=account, lifted_at__isnull=True).first()
        )
        if restriction is None:
            return False
        restriction.lifted_at, restriction.lifted_by = clock.now(), actor
        restriction.save(update_fields=["lifted_at", "lifted_by"])
        audit_record(
            event="privacy.restriction_lifted",
            actor_id=str(actor.pk if actor else account.pk),
            subject_id=str(account.pk),
            data={"restriction": str(restriction.pk)},
        )
    return True
