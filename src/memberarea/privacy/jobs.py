"""The privacy app's periodic job, run by the worker (docs/decisions/0007-worker.md)."""

import datetime as dt

from memberarea.core.jobs import periodic

from .sending import campaigns_resume


@periodic("campaigns_resume", dt.timedelta(minutes=5))
def campaigns_resume_job() -> str:
    return campaigns_resume()
