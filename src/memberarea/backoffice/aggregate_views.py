"""The aggregate reports (PRIV-11) for the privacy officer (BO-1): the three tables on one page, a chart
of members by age band, and each table as CSV. Thin views over `privacy.aggregates`, which publishes
only suppressed counts."""

from django.http import Http404
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from memberarea.identity.models import Role
from memberarea.privacy.aggregates import (
    REPORTS,
    age_band_labels,
    aggregate_export,
    aggregate_report,
    suppressed_explanation,
    suppressed_marker,
)

from .charts import category_chart
from .views import download, staff_page, staff_required

AGGREGATE_ROLES = (Role.PRIVACY_OFFICER,)  # BO-1: "aggregates"


@staff_required(*AGGREGATE_ROLES)
@require_GET
def aggregates(request):
    reports = [aggregate_report(key) for key in REPORTS]
    by_age = reports[0]
    bands = list(zip(age_band_labels(), by_age.table.column_totals, strict=True))
    context = {
        "reports": reports,
        "bands": bands,
        "chart": category_chart(bands),
        "marker": suppressed_marker(),
        "explanation": suppressed_explanation(),
    }
    return staff_page(request, "aggregates.html", context)


@staff_required(*AGGREGATE_ROLES)
@require_GET
def aggregate_csv_download(request, key: str):
    if key not in REPORTS:
        raise Http404
    content = aggregate_export(key=key, language=get_language(), actor_id=str(request.user.pk))
    return download(content.encode(), "text/csv; charset=utf-8", f"aggregates-{key}.csv")
