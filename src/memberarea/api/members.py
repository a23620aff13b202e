"""The member area for the app (GUARD-1, AREA-1, AREA-2, API-1): a member's dashboard and card.

The member acted for is in the path; the list to choose from is `members` in the dashboard and in
GET /me. Everything goes through the one access check: a member the account may not act for is
`not_found` (404), exactly like one that does not exist.
"""

import datetime as dt
from typing import Literal

from django.utils.translation import get_language
from ninja import Field, Path, Router, Schema

from memberarea.core.errors import id_parse
from memberarea.members import card, selectors

from .auth import app_token
from .declared import raises

router = Router(tags=["members"], auth=app_token)
NOT_FOUND_NOTE = ("not_found", "no such member, or one this account may not act for")
NOT_YOURS = raises(NOT_FOUND_NOTE)
MEMBER_ID = "UUID of the membership, from `members` in GET /me"


class MemberOut(Schema):
    member_id: str
    name: str
    first_name: str
    member_number: str
    relationship: str = Field(description="holder | spouse_partner | child | other")
    start_date: dt.date
    end_date: dt.date | None


class PolicyOut(Schema):
    number: str
    type: Literal["individual", "family", "corporate", "international"]
    status: Literal["active", "suspended", "ended"]
    start_date: dt.date
    end_date: dt.date | None
    holder_name: str


class ContactOut(Schema):
    email: str
    mobile: str
    street: str = Field(description="street lines, one per line")
    postal_code: str
    city: str
    province: str
    country: str


class ChoiceOut(Schema):
    member_id: str
    label: str = Field(description="the selector's label in the request's language, e.g. \"Me (Lucía)\"")
    name: str
    relationship: str
    is_self: bool
    is_current: bool = Field(description="the member of this response")


class NoticeOut(Schema):
    code: Literal["minor_coming_of_age", "contact_hold"]
    date: dt.date
    message: str = Field(description="translated")


class DashboardOut(Schema):
    member: MemberOut
    relation: Literal["self", "guardian"] = Field(description="how the signed-in account acts for this member")
    policy: PolicyOut
    contact: ContactOut
    members: list[ChoiceOut] = Field(description="everyone this account may act for: itself first, then minors")
    notices: list[NoticeOut]


class CardOut(Schema):
    member_id: str
    name: str
    member_number: str
    policy_number: str
    valid_from: dt.date
    valid_until: dt.date | None = Field(description="empty: until further notice")
    support_phone: str
    support_hours: str
    brand_name: str
    primary_colour: str
    accent_colour: str


@router.get(
    "/members/{member_id}",
    response={200: DashboardOut},
    summary="A member's dashboard: policy, contacts, members to act for, notices",
)
@NOT_YOURS
def dashboard(request, member_id: str = Path(..., description=MEMBER_ID)):
    return selectors.member_dashboard(actor=request.auth.account, member_id=id_parse(member_id))


@router.get("/members/{member_id}/card", response={200: CardOut}, summary="A member's digital card")
@NOT_YOURS
def card_json(request, member_id: str = Path(..., description=MEMBER_ID)):
    granted = selectors.member_area_access(actor=request.auth.account, member_id=id_parse(member_id))
    return card.card_data(granted.membership)


@router.get(
    "/members/{member_id}/card.pdf",
    response={200: None},
    summary="A member's digital card as a PDF (recorded as a download)",
    openapi_extra={
        "responses": {
            200: {
                "description": "the card, as an attachment",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
@NOT_YOURS
def card_pdf(request, member_id: str = Path(..., description=MEMBER_ID)):
    membership, content = card.card_download(
        actor=request.auth.account, member_id=id_parse(member_id), language=get_language()
    )
    return card.card_pdf_response(content, membership.member_number)
