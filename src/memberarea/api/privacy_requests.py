"""Rights requests for the app (PRIV-8, API-1): make one, list them, read one's status and progress, and
get the link to its result. Member-scoped like /members/{member_id}: oneself, or a minor one is guardian
of (the minor's data only); any other id is `not_found`. Making a request needs a second step within
the last 10 minutes (LOGIN-9: POST /reauthenticate, then its code). "What we hold" is
GET /privacy/members/{member_id}/holdings (api/privacy_holdings.py).
"""

import datetime as dt
from typing import Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Schema, Status

from memberarea.core.errors import choice_parse, id_parse
from memberarea.privacy.models import ConsentMethod
from memberarea.privacy.request_models import RequestKind
from memberarea.privacy.requests.queue import request_of_member, request_result, requests_of_member, zip_response
from memberarea.privacy.requests.workflow import request_make

from .account import STEP_UP
from .auth import app_token
from .declared import raises
from .members import MEMBER_ID

router = Router(tags=["privacy"], auth=app_token)
NOT_YOURS = ("not_found", "no such member or request, or one this account may not act for")
KINDS = " | ".join(RequestKind.values)


class RequestIn(Schema):
    kind: str = Field(description=KINDS, examples=["access"])
    correction: dict[str, str] = Field(
        default_factory=dict,
        description="for `correction` only: field → the right value; fields: first_name, last_name, "
        "date_of_birth (YYYY-MM-DD), street, postal_code, city, province, country (two letters)",
        examples=[{"date_of_birth": "1980-02-01"}],
    )


class RequestOut(Schema):
    request_id: str
    kind: str = Field(description=KINDS)
    kind_label: str = Field(description="translated")
    state: Literal["received", "identity_confirmed", "in_progress", "extended", "done", "refused"]
    state_label: str = Field(description="translated")
    regime: Literal["gdpr", "ccpa", "hipaa"] = Field(description="the rules its deadline follows")
    member_id: str
    as_guardian: bool = Field(description="asked by a guardian for a minor")
    received_on: dt.date
    due_on: dt.date = Field(description="the last day we answer by, in the insurer's time zone")
    acknowledge_by: dt.date | None = Field(description="CCPA: the last day to acknowledge receipt")
    extensions: int
    days_left: int | None = Field(description="until the due date, negative once overdue; null once closed")
    progress: int = Field(description="0-100")
    has_result: bool = Field(description="a result is ready: GET …/download")
    result_percent: int | None = Field(description="how far the export is prepared, 0-100; null without one")


class RequestListOut(Schema):
    requests: list[RequestOut] = Field(description="newest first")


@router.post(
    "/privacy/members/{member_id}/requests",
    response={201: RequestOut},
    summary="Make a rights request: access, portability, correction, restriction, erasure, objection, Shine the Light",
)
@raises(
    NOT_YOURS,
    ("reauthentication_required", STEP_UP),
    ("minor_has_no_choices", "restriction or objection for a minor, who receives no marketing"),
    ("privacy_centre_closed", "the member's last policy ended longer ago than the privacy centre stays open"),
)
def request_create(request, payload: RequestIn, member_id: str = Path(..., description=MEMBER_ID)):
    kind = choice_parse(
        payload.kind, RequestKind, field="kind", message=_("Choose one of the kinds of request offered.")
    )
    made = request_make(
        actor=request.auth.account,
        session=request.auth,
        member_id=id_parse(member_id),
        kind=kind,
        method=ConsentMethod.APP,
        correction=payload.correction,
    )
    summary = request_of_member(actor=request.auth.account, member_id=id_parse(member_id), request_id=made.pk)
    return Status(201, summary)


@router.get(
    "/privacy/members/{member_id}/requests", response={200: RequestListOut}, summary="The requests made for a member"
)
@raises(NOT_YOURS)
def request_list(request, member_id: str = Path(..., description=MEMBER_ID)):
    _access, rows = requests_of_member(actor=request.auth.account, member_id=id_parse(member_id))
    return {"requests": rows}


@router.get(
    "/privacy/members/{member_id}/requests/{request_id}",
    response={200: RequestOut},
    summary="One request: its state, deadline and progress",
)
@raises(NOT_YOURS)
def request_status(request, member_id: str = Path(..., description=MEMBER_ID), request_id: str = Path(...)):
    summary = request_of_member(
        actor=request.auth.account, member_id=id_parse(member_id), request_id=id_parse(request_id)
    )
    return summary


@router.get(
    "/privacy/members/{member_id}/requests/{request_id}/download",
    response={200: None},
    summary="The result of an access or portability request: a ZIP, streamed",
    description="Each call spends a single-use link of its own; the file expires some days after it is ready.",
    openapi_extra={"responses": {"200": {"description": "the ZIP", "content": {"application/zip": {}}}}},
)
@raises(NOT_YOURS, ("export_not_ready", "no result yet, or it has expired"))
def request_download(request, member_id: str = Path(..., description=MEMBER_ID), request_id: str = Path(...)):
    name, chunks = request_result(
        actor=request.auth.account, member_id=id_parse(member_id), request_id=id_parse(request_id)
    )
    return zip_response(name, chunks)
