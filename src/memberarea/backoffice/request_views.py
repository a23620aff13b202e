"""The privacy officer's queue of rights requests (PRIV-8, BO-1): open requests by days left, overdue
first, filtered by kind and state, with a chart of open requests by due week; a page per request with
its steps and the actions its state allows. Thin views over `privacy.requests`: each action is one
service call that audits the step and tells the member.
"""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from memberarea.core.errors import MemberAreaError
from memberarea.identity.models import Role
from memberarea.privacy.request_models import Regime, RequestKind, RequestState, RightsRequest
from memberarea.privacy.requests import workflow
from memberarea.privacy.requests.queue import officer_queue, open_by_due_week, request_for_officer, request_summary

from .charts import bar_chart
from .labels import REQUEST_KIND_LABELS, request_kind_label
from .views import staff_page, staff_required

# action slug → (service, extra form fields it takes, what the officer reads once it is done)
ACTIONS: dict[str, tuple[Callable[..., RightsRequest], tuple[str, ...], Promise]] = {
    "confirm": (workflow.request_identity_confirm, (), gettext_lazy("Identity confirmed; the member has been told.")),
    "start": (workflow.request_start, (), gettext_lazy("Work started; the member has been told.")),
    "extend": (workflow.request_extend, ("reason",), gettext_lazy("Deadline extended; the member has been told why.")),
    "regime": (
        workflow.request_regime_change,
        ("regime", "reason"),
        gettext_lazy("The deadline now follows the regime chosen; the member has been told why."),
    ),
    "approve": (
        workflow.request_correction_approve,
        (),
        gettext_lazy("Correction applied and sent to the core system; the member has been told."),
    ),
    "complete": (workflow.request_complete, (), gettext_lazy("Request completed; the member has been told.")),
    "refuse": (workflow.request_refuse, ("reason",), gettext_lazy("Request refused; the member has been told why.")),
}


def _week_label(monday) -> str:
    return formats.date_format(monday, "SHORT_DATE_FORMAT")


@staff_required(Role.PRIVACY_OFFICER)
@require_GET
def requests_queue(request):
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    kind = kind if kind in RequestKind.values else ""
    state = state if state in RequestState.values else ""
    weeks = open_by_due_week()
    context = {
        "rows": [_in_staff_words(request_summary(row)) for row in officer_queue(kind=kind, state=state)],
        "kinds": [(value, str(REQUEST_KIND_LABELS[value])) for value in RequestKind.values],
        "states": RequestState.choices,
        "kind": kind,
        "state": state,
        "weeks": weeks,
        "open_total": sum(count for _monday, count in weeks),
        "chart": bar_chart(weeks, every=1 if len(weeks) <= 8 else 4, label=_week_label),
    }
    return staff_page(request, "requests.html", context)


def _in_staff_words(summary: dict) -> dict:
    return {**summary, "kind_label": request_kind_label(summary["kind"])}


def _request_page(request, request_id: uuid.UUID, error: MemberAreaError | None = None):
    found = request_for_officer(request_id)
    if found is None:
        raise Http404
    found = _in_staff_words(found)
    state, kind = found["state"], found["kind"]
    open_after_receipt = found["is_open"] and state != RequestState.RECEIVED
    working = state in (RequestState.IN_PROGRESS, RequestState.EXTENDED)
    context = {
        "item": found,
        "regimes": [(value, label) for value, label in Regime.choices if value != found["regime"]],
        "allowed": {
            "confirm": state == RequestState.RECEIVED,
            "start": state == RequestState.IDENTITY_CONFIRMED,
            "extend": open_after_receipt and found["extensions"] < found["allowed_extensions"],
            "regime": found["is_open"],
            "approve": working and kind == RequestKind.CORRECTION,
            "complete": working and kind != RequestKind.CORRECTION,
            "refuse": found["is_open"],
        },
    }
    return staff_page(request, "request.html", context, error)


@staff_required(Role.PRIVACY_OFFICER)
@require_GET
def request_page(request, request_id: uuid.UUID):
    return _request_page(request, request_id)


@staff_required(Role.PRIVACY_OFFICER)
@require_POST
def request_action(request, request_id: uuid.UUID, action: str):
    """One action; its inputs are named after it ("extend_reason"), as several forms share the page."""
    if action not in ACTIONS:
        raise Http404
    service, fields, done = ACTIONS[action]
    try:
        service(
            officer=request.user,
            request_id=request_id,
            **{name: request.POST.get(f"{action}_{name}", "") for name in fields},
        )
    except MemberAreaError as error:
        error.fields = {f"{action}_{name}" if name in fields else name: texts for name, texts in error.fields.items()}
        return _request_page(request, request_id, error)
    messages.success(request, str(done))
    return redirect("backoffice:request", request_id=request_id)
