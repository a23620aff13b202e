"""Reads of the privacy centre: the document version in force, an account's current choices, page views."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.utils.safestring import SafeString

from memberarea.core import clock
from memberarea.identity.models import Account

from .models import (
    Campaign,
    ConsentChoice,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    DocumentKind,
    DocumentVersion,
    PageViewCount,
    ProcessingRestriction,
)
from .rendering import document_render


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


def _public(kind: DocumentKind):
    """A kind's versions anyone may read: those whose effective day has come (a future one is not yet public)."""
    return DocumentVersion.objects.filter(kind=kind, effective_on__lte=clock.today_in(settings.INSURER_TIME_ZONE))


def version_public(kind: DocumentKind, number: int) -> DocumentVersion | None:
    """One version by its number, once it has taken effect; readable at its URL forever after (PRIV-1)."""
    return _public(kind).filter(number=number).first() or (
        DocumentVersion.objects.filter(kind=kind, number=number).first() if number == 1 else None
    )


def versions_public(kind: DocumentKind) -> list[DocumentVersion]:
    """Every version that has taken effect, newest first (version 1 always: it is the fallback in force)."""
    versions = list(_public(kind).order_by("-number"))
    return versions or [version_in_force(kind)]


def versions_all(kind: DocumentKind) -> list[DocumentVersion]:
    """Every version, future ones included, newest first: the privacy officer's list."""
    return list(DocumentVersion.objects.filter(kind=kind).select_related("published_by").order_by("-number"))


@dataclass(frozen=True)
class DocumentShown:
    """One version as a reader sees it, in one language."""

    version: DocumentVersion
    kind: DocumentKind
    number: int
    effective_on: dt.date
    body: str
    summary: str

    @property
    def html(self) -> SafeString:
        return document_render(self.body)


def document_shown(version: DocumentVersion, language: str) -> DocumentShown:
    spanish = language.startswith("es")
    return DocumentShown(
        version=version,
        kind=DocumentKind(version.kind),
        number=version.number,
        effective_on=version.effective_on,
        body=version.body_es if spanish else version.body_en,
        summary=version.summary_es if spanish else version.summary_en,
    )


def consent_history(*, account: Account) -> list[ConsentRecord]:
    """Every consent record of the account, newest first, with the notice it was given under (PRIV-2)."""
    records = ConsentRecord.objects.filter(account=account).select_related("notice_version")
    return list(records.order_by("-at", "purpose"))


def page_views_per_day(*, days: int = 30, today: dt.date | None = None) -> list[tuple[dt.date, int]]:
    """The page views of each of the last `days` days (today included, oldest first), 0 where none (PRIV-6)."""
    last = today or clock.today_in(settings.INSURER_TIME_ZONE)
    first = last - dt.timedelta(days=days - 1)
    totals = dict(
        PageViewCount.objects.filter(day__range=(first, last))
        .values("day")
        .annotate(total=Sum("count"))
        .values_list("day", "total")
    )
    return [(day, totals.get(day, 0)) for day in (first + dt.timedelta(days=n) for n in range(days))]


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
