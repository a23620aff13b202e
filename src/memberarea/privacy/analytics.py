"""First-party analytics (PRIV-6): page views counted on the server, per day, page pattern and language.

Counted only for a browser that accepted analytics in the cookie banner, never under Global Privacy
Control, and for a signed-in account only while its own analytics choice is given. What is counted
and why it carries no identifier: docs/decisions/0027-first-party-analytics.md.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from memberarea.core import clock

from .cookies import cookie_choice_read, gpc_signal
from .models import ConsentChoice, ConsentPurpose, PageViewCount

# Pages that are not the public site or the member area: staff work, the development outbox, the API.
NOT_COUNTED = ("staff/", "dev/", "api/")


def page_view_count(*, path_template: str, language: str, day: dt.date | None = None, views: int = 1) -> None:
    """Add a view (or `views`) to the day's row, creating it on the first: one atomic UPDATE … SET count = count + n.

    Two first views racing both miss the row; the loser's INSERT hits the unique constraint (inside
    a savepoint) and it adds its view with the UPDATE instead, so no view is lost or doubled. No
    audit entry: a count is nobody's data, and an entry per page view would drown the log.
    """
    day = day or clock.today_in(settings.INSURER_TIME_ZONE)
    rows = PageViewCount.objects.filter(day=day, path_template=path_template, language=language)
    if rows.update(count=F("count") + views):
        return
    try:
        with transaction.atomic():
            PageViewCount.objects.create(day=day, path_template=path_template, language=language, count=views)
    except IntegrityError:
        rows.update(count=F("count") + views)


def page_view_counted(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether this answer is a page view we may count: checks that cost nothing first, then at most one query."""
    match = request.resolver_match
    if not (
        settings.ANALYTICS_ENABLED
        and request.method == "GET"
        and response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and match is not None
        and not match.route.startswith(NOT_COUNTED)
        and not gpc_signal(request)
    ):
        return False
    choice = cookie_choice_read(request)
    if choice is None or not choice.analytics:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return ConsentChoice.objects.filter(account=user, purpose=ConsentPurpose.ANALYTICS, given=True).exists()
    return True


def page_view_counts_prune(*, today: dt.date | None = None) -> int:
    """Delete the days older than ANALYTICS_RETENTION_DAYS; the number of rows deleted."""
    today = today or clock.today_in(settings.INSURER_TIME_ZONE)
    cutoff = today - dt.timedelta(days=settings.ANALYTICS_RETENTION_DAYS)
    deleted, _ = PageViewCount.objects.filter(day__lt=cutoff).delete()
    return deleted
