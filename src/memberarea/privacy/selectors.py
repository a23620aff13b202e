"""Reads of the privacy centre: the document version in force, an account's current choices, page views."""

import datetime as dt

from django.conf import settings
from django.db.models import Sum

from memberarea.core import clock
from memberarea.identity.models import Account

from .models import ConsentChoice, ConsentPurpose, DocumentKind, DocumentVersion, PageViewCount


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
