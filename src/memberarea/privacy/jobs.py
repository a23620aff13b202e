"""The privacy app's periodic jobs, run by the worker (core.jobs)."""

import datetime as dt

from django.conf import settings

from memberarea.core.jobs import periodic

from .analytics import page_view_counts_prune
from .export_build import export_jobs_expire
from .retention import retention_due, retention_run
from .sending import campaigns_resume


@periodic("page_view_counts_prune", dt.timedelta(days=1))
def page_view_counts_expire() -> str:
    """Daily page-view counts are kept ANALYTICS_RETENTION_DAYS (decision 0027)."""
    return f"{page_view_counts_prune()} old daily counts deleted"


@periodic("campaigns_resume", dt.timedelta(minutes=5))
def campaigns_resume_job() -> str:
    return campaigns_resume()


@periodic("retention", dt.timedelta(hours=1))
def retention_job() -> str:
    """What the data map says has expired goes (PRIV-14); a long run goes on at the next sweep."""
    if not retention_due():
        return "not due"
    run = retention_run(max_batches=settings.RETENTION_BATCHES_PER_SWEEP)
    return f"retention run {run.pk}: {run.state} after {run.batches} batches"


@periodic("exports_expire", dt.timedelta(minutes=10))
def exports_expire_job() -> str:
    """Exports are deleted EXPORT_LIFETIME_DAYS after they are ready; their links stop working."""
    return export_jobs_expire()
