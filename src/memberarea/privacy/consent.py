"""Consent changes (PRIV-2, PRIV-3, PRIV-5): the one writer of `ConsentRecord` and `ConsentChoice`.

A choice is recorded only when it changes: giving what is already given, or withdrawing what was
never given (every purpose is opt-in, so "never chosen" means "not given"), writes nothing.
"""

from dataclasses import dataclass

from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.crypto import blind_index
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


def browser_key_of(consent_id: str) -> str:
    """The pseudonymous principal of a visitor's consent: a keyed hash of the browser's random consent id."""
    return blind_index("consent-browser", consent_id)


def visitor_consent_set(
    *,
    consent_id: str,
    analytics: bool,
    language: str,
    gpc: bool = False,
    account: Account | None = None,
) -> list[ConsentRecord]:
    """A browser's answer to the cookie banner (PRIV-6, PRIV-2): the records written, only on change.

    The browser is the principal (`browser_key`, actor "visitor", method web form); its current
    answer is its newest record, and a browser with none has not given consent — so a first
    "reject all" writes nothing, as withdrawing what was never given does for an account. Signed
    in, the account's choice follows through `consent_set`, in the same transaction.
    """
    browser_key = browser_key_of(consent_id)
    written: list[ConsentRecord] = []
    with transaction.atomic():
        newest = (
            ConsentRecord.objects.filter(browser_key=browser_key, purpose=ConsentPurpose.ANALYTICS)
            .order_by("-at")
            .values_list("given", flat=True)
            .first()
        )
        if bool(newest) != analytics:
            record = ConsentRecord.objects.create(
                browser_key=browser_key,
                purpose=ConsentPurpose.ANALYTICS,
                given=analytics,
                method=ConsentMethod.WEB_FORM,
                actor_kind=ActorKind.VISITOR,
                notice_version=version_in_force(DocumentKind.NOTICE),
                language=language,
                gpc=gpc,
                at=clock.now(),
            )
            audit_record(
                event="consent_changed",
                subject_id=browser_key,
                data={"purpose": str(ConsentPurpose.ANALYTICS), "given": analytics,
                      "method": str(ConsentMethod.WEB_FORM), "receipt": str(record.pk)},
            )  # fmt: skip
            written.append(record)
        if account is not None:
            written += consent_set(
                account=account,
                changes={ConsentPurpose.ANALYTICS: analytics},
                method=ConsentMethod.WEB_FORM,
                language=language,
                gpc=gpc,
            )
    return written
