"""The retention job's reports for privacy officers (PRIV-14, BO-1): a list of runs and one run's counts.

Read-only: the job itself runs in the worker (`privacy.jobs`). A run holds counts per model and
category, never a value, so nothing here can show a member.
"""

import uuid

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from memberarea.core import datamap
from memberarea.privacy.models import RetentionRun

from .views import PRIVACY_ROLES, staff_page, staff_required

RUNS_PER_PAGE = 50


def _action_label(key: str) -> str:
    """A count's key ("deleted", "erase:contact", "anonymise:activity") as the officer reads it."""
    if key == "deleted":
        return _("Rows deleted")
    action, category = key.split(":", 1)
    label = datamap.CATEGORY_LABELS.get(category, category)
    if action == datamap.ANONYMISE:
        return _("Rows with %(category)s anonymised") % {"category": label}
    return _("Rows with %(category)s erased") % {"category": label}


@staff_required(*PRIVACY_ROLES)
@require_GET
def retention_runs(request):
    runs = Paginator(RetentionRun.objects.order_by("-started_at"), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    listed = [{"run": run, "deleted": sum(counts.get("deleted", 0) for counts in run.counts.values())} for run in runs]
    return staff_page(request, "retention_runs.html", {"runs": listed, "page": runs})


@staff_required(*PRIVACY_ROLES)
@require_GET
def retention_run(request, run_id: uuid.UUID):
    run = RetentionRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404
    lines = [
        {"model": label, "what": _action_label(key), "count": count}
        for label, counts in sorted(run.counts.items())
        for key, count in sorted(counts.items())
        if count
    ]
    return staff_page(request, "retention_run.html", {"run": run, "lines": lines})
