"""Reading rights requests (PRIV-8): the member's list, the officer's queue and its chart by due week.

Days left count in the insurer's time zone; the queue is ordered by due date, so overdue requests come
first, then those with the fewest days left.
"""

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from memberarea.core.errors import NOT_FOUND, MemberAreaError
from memberarea.enrollment.models import Membership
from memberarea.identity.models import Account
from memberarea.members.access import Purpose, access_member, members_for

from .. import deadlines
from ..request_models import OPEN_STATES, RequestState, RightsRequest
from . import corrections, fulfil
from .workflow import privacy_centre_open, today

PROGRESS = {
    RequestState.RECEIVED: 25,
    RequestState.IDENTITY_CONFIRMED: 50,
    RequestState.IN_PROGRESS: 75,
    RequestState.EXTENDED: 75,
    RequestState.DONE: 100,
    RequestState.REFUSED: 100,
}


def request_summary(rights_request: RightsRequest, *, account: Account | None = None) -> dict[str, Any]:
    """What the member and the officer see of a request; `account`: who may download its result."""
    left = deadlines.days_left(due=rights_request.due_on, today=today())
    is_open = rights_request.state in OPEN_STATES
    return {
        "request_id": str(rights_request.pk),
        "kind": rights_request.kind,
        "kind_label": rights_request.get_kind_display(),
        "state": rights_request.state,
        "state_label": rights_request.get_state_display(),
        "regime": rights_request.regime,
        "regime_label": rights_request.get_regime_display(),
        "member_id": str(rights_request.membership_id or ""),
        "as_guardian": rights_request.as_guardian,
        "received_on": rights_request.received_on,
        "due_on": rights_request.due_on,
        "acknowledge_by": rights_request.acknowledge_by,
        "extensions": rights_request.extensions,
        "days_left": left if is_open else None,
        "overdue": is_open and left < 0,
        "overdue_days": -left if is_open and left < 0 else 0,
        "progress": PROGRESS[RequestState(rights_request.state)],
        "is_open": is_open,
        "has_result": fulfil.export_ready(rights_request, account=account) if account else False,
        "result_percent": job.percent if (job := fulfil.export_of(rights_request)) else None,
        "answer_year": fulfil.shine_the_light_year(rights_request),
    }


def requests_of_member(*, actor: Account, member_id: uuid.UUID) -> tuple[Any, list[dict[str, Any]]]:
    """The requests `actor` made about the member they may act for (NOT_FOUND otherwise), newest first."""
    access = access_member(actor=actor, member_id=member_id, purpose=Purpose.VIEW)
    rows = RightsRequest.objects.filter(membership=access.membership, requested_by=actor).order_by("-received_at")
    return access, [request_summary(row, account=actor) for row in rows]


def request_of_member(*, actor: Account, member_id: uuid.UUID, request_id: uuid.UUID) -> dict[str, Any]:
    """One request `actor` made about the member (NOT_FOUND for any other)."""
    access = access_member(actor=actor, member_id=member_id, purpose=Purpose.VIEW)
    found = RightsRequest.objects.filter(pk=request_id, membership=access.membership, requested_by=actor).first()
    if found is None:
        raise MemberAreaError(NOT_FOUND)
    return request_summary(found, account=actor)


def officer_queue(*, kind: str = "", state: str = "") -> QuerySet[RightsRequest]:
    """Open requests by due date (overdue first); a state filter reaches the closed ones too."""
    rows = RightsRequest.objects.select_related("membership")
    rows = rows.filter(state=state) if state else rows.filter(state__in=OPEN_STATES)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("due_on", "received_at")


def open_by_due_week() -> list[tuple[dt.date, int]]:
    """(Monday of the due week, open requests due that week), every week from the earliest to the latest."""
    due_days = RightsRequest.objects.filter(state__in=OPEN_STATES).values_list("due_on", flat=True)
    weeks = Counter(day - dt.timedelta(days=day.weekday()) for day in due_days)
    if not weeks:
        monday = today() - dt.timedelta(days=today().weekday())
        return [(monday, 0)]
    first, last = min(weeks), max(weeks)
    count = (last - first).days // 7 + 1
    mondays = [first + dt.timedelta(weeks=index) for index in range(count)]
    return [(monday, weeks.get(monday, 0)) for monday in mondays]


def request_for_officer(request_id: uuid.UUID) -> dict[str, Any] | None:
    """The request with its steps and, for a correction, the stated (and replaced) values."""
    found = RightsRequest.objects.select_related("membership").filter(pk=request_id).first()
    if found is None:
        return None
    steps = list(found.steps.select_related("actor").order_by("at"))
    return {
        **request_summary(found),
        "request": found,
        "steps": steps,
        "corrections": corrections.correction_rows(found.correction, found.correction_previous),
        "allowed_extensions": deadlines.extensions_allowed(regime=found.regime, kind=found.kind),
    }


def privacy_centre_member(account: Account) -> Membership | None:
    """The account's own membership for the privacy centre: the current one, else the newest that ended
    within PRIVACY_CENTRE_AFTER_END_DAYS (members of ended policies keep the centre that long)."""
    reachable = members_for(account)
    if reachable:
        return reachable[0].membership
    newest = Membership.objects.filter(person__account=account).order_by("-start_date").first()
    return newest if newest is not None and privacy_centre_open(newest) else None


def request_result(*, actor: Account, member_id: uuid.UUID, request_id: uuid.UUID) -> tuple[str, Iterator[bytes]]:
    """The result of a request `actor` made about the member: (file name, chunks); EXPORT_NOT_READY until ready."""
    access = access_member(actor=actor, member_id=member_id, purpose=Purpose.VIEW)
    found = RightsRequest.objects.filter(pk=request_id, membership=access.membership, requested_by=actor).first()
    if found is None:
        raise MemberAreaError(NOT_FOUND)
    return fulfil.export_download(found, account=actor)


def zip_response(name: str, chunks: Iterator[bytes]) -> StreamingHttpResponse:
    """A result streamed as an attachment (PERF-6: never held whole in memory)."""
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
