"""Reads of the privacy centre: the document version in force, an account's current choices."""

import datetime as dt

from django.conf import settings
from django.db.models import Count, QuerySet

from memberarea.core import clock
from memberarea.identity.models import Account

from .models import (
    Campaign,
    ConsentChoice,
    ConsentMethod,
    ConsentPurpose,
    DocumentKind,
    DocumentVersion,
    ProcessingRestriction,
)


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


# The purposes a Global Privacy Control signal withdraws (PRIV-5).
GPC_PURPOSES = (ConsentPurpose.THIRD_PARTY_SHARING, ConsentPurpose.ANALYTICS)


def gpc_opted_out_accounts() -> QuerySet[Account]:
    """Accounts opted out by Global Privacy Control: their current third-party sharing or analytics
    choice was set by the signal (method gpc). The one definition, used by every marketing audience."""
    by_signal = ConsentChoice.objects.filter(purpose__in=GPC_PURPOSES, method=ConsentMethod.GPC, given=False)
    return Account.objects.filter(pk__in=by_signal.values("account_id"))


def restricted_accounts() -> QuerySet[Account]:
    """Accounts with an open restriction of processing (PRIV-8)."""
    return Account.objects.filter(
        pk__in=ProcessingRestriction.objects.filter(lifted_at__isnull=True).values("account_id")
    )


def campaigns_with_progress() -> QuerySet[Campaign]:
    """Every campaign, newest first, with `queued`: how many members it has been queued for so far."""
    return Campaign.objects.annotate(queued=Count("recipients")).order_by("-created_at")
