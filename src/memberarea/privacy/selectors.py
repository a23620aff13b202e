"""Reads of the privacy centre: the document version in force, an account's current choices."""

import datetime as dt

from django.conf import settings

from memberarea.core import clock
from memberarea.identity.models import Account

from .models import ConsentChoice, ConsentPurpose, ConsentRecord, DocumentKind, DocumentVersion


def version_in_force(kind: DocumentKind, *, on: dt.date | None = None) -> DocumentVersion:
    """The newest version whose effective day has come (in the insurer's time zone).

    Every installation has version 1 of each document from its first migration, so there is always one.
    """
    day = on or clock.today_in(settings.INSURER_TIME_ZONE)
    in_force = DocumentVersion.objects.filter(kind=kind, effective_on__lte=day).order_by("-number").first()
    return in_force or DocumentVersion.objects.filter(kind=kind).order_by("number")[0]


def choices_current(*, account: Account) -> dict[ConsentPurpose, ConsentChoice | None]:
    """Every purpose with the account's current choice, None where it never chose (that is: not given)."""
    chosen = {ConsentPurpose(choice.purpose): choice for choice in ConsentChoice.objects.filter(account=account)}
    return {purpose: chosen.get(purpose) for purpose in ConsentPurpose}


def consent_history(*, account: Account) -> list[ConsentRecord]:
    """Every consent record of the account, newest first, with the notice it was given under (PRIV-2)."""
    records = ConsentRecord.objects.filter(account=account).select_related("notice_version")
    return list(records.order_by("-at", "purpose"))
