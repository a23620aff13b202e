"""Who saw or received a member's data (PRIV-9) and Shine the Light (PRIV-10), for the app (API-1).

Member-scoped like /members/{member_id}: oneself, or a minor one is guardian of; any other id is
`not_found`. The Shine the Light answer is for the previous calendar year in the insurer's time zone.
"""

import datetime as dt

from ninja import Field, Path, Router, Schema

from memberarea.core.errors import id_parse
from memberarea.privacy.disclosures import disclosures_of_member
from memberarea.privacy.shine_the_light import shine_the_light_for, year_parse

from .auth import app_token
from .declared import raises
from .members import MEMBER_ID, NOT_FOUND_NOTE, NOT_YOURS

router = Router(tags=["privacy"], auth=app_token)


class DisclosureOut(Schema):
    id: str
    at: dt.datetime
    recipient: str = Field(description="the partner's or organisation's name; for staff, their role, translated")
    recipient_kind: str = Field(
        description="affiliate | service_provider | plan_sponsor | third_party | staff | insurer"
    )
    recipient_kind_label: str
    role: str = Field(description="staff: the role code; empty otherwise")
    reason: str = Field(description="staff: why the record was opened (a code); empty otherwise")
    reason_label: str
    purpose: str = Field(description="a purpose code of the data map")
    purpose_label: str
    categories: list[str] = Field(description="data-map category codes")
    category_labels: list[str]
    legal_basis: str = Field(description="consent | contract | legal_obligation | legitimate_interest")
    legal_basis_label: str
    for_direct_marketing: bool = Field(description="for the recipient's own direct marketing")
    reference: str = Field(
        description="the stored reference, for the app and not to show: a ticket as the employee typed it, "
        "a core-system message's or a partner export's machine reference; may be empty"
    )
    reference_kind: str = Field(description="ticket | core_message | partner_export; empty when there is none")
    reference_label: str = Field(
        description="the reference to show and quote to customer service, translated (e.g. Ticket 12345, "
        "or the day the request it carried out was received); may be empty"
    )
    detail: str = Field(description="what was sent and why, translated; empty for staff accesses")


class DisclosuresOut(Schema):
    member_id: str
    disclosures: list[DisclosureOut] = Field(description="newest first")


class ShineRecipientOut(Schema):
    name: str
    kind: str
    kind_label: str
    categories: list[str] = Field(description="data-map category codes")
    category_labels: list[str]
    times: int = Field(description="how many disclosures in the year")
    first_at: dt.datetime
    last_at: dt.datetime


class ShineTheLightOut(Schema):
    member_id: str
    year: int = Field(description="the calendar year answered: the previous one unless the path names another")
    period_start: dt.date
    period_end: dt.date
    answered_at: dt.datetime
    none: bool = Field(description="true: no third party received the data for its own direct marketing")
    recipients: list[ShineRecipientOut]


@router.get(
    "/privacy/members/{member_id}/disclosures",
    response={200: DisclosuresOut},
    summary="Who saw or received a member's data: staff accesses and disclosures to other organisations",
)
@NOT_YOURS
def disclosures(request, member_id: str = Path(..., description=MEMBER_ID)):
    membership, entries = disclosures_of_member(actor=request.auth.account, member_id=id_parse(member_id))
    return {"member_id": str(membership.pk), "disclosures": entries}


@router.post(
    "/privacy/members/{member_id}/shine-the-light",
    response={200: ShineTheLightOut},
    summary="Shine the Light: third parties that received the member's data for their own marketing last year",
)
@NOT_YOURS
def shine_the_light(request, member_id: str = Path(..., description=MEMBER_ID)):
    membership, answer = shine_the_light_for(actor=request.auth.account, member_id=id_parse(member_id))
    return {"member_id": str(membership.pk), **answer}


@router.post(
    "/privacy/members/{member_id}/shine-the-light/{year}",
    response={200: ShineTheLightOut},
    summary="Shine the Light for another calendar year, from 2000 until this one",
)
@raises(NOT_FOUND_NOTE, ("invalid", "a year before 2000 or after this one"))
def shine_the_light_of_year(
    request, member_id: str = Path(..., description=MEMBER_ID), year: str = Path(..., description="e.g. 2025")
):
    membership, answer = shine_the_light_for(
        actor=request.auth.account, member_id=id_parse(member_id), year=year_parse(year)
    )
    return {"member_id": str(membership.pk), **answer}
