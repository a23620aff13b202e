"""What we hold about a member, for the app (PRIV-7, PRIV-8, API-1): the data map's summary, never a value.

Member-scoped like /members/{member_id}: oneself, or a minor one is guardian of (the minor's data only);
any other id is `not_found`. The exports themselves come with rights requests.
"""

from ninja import Field, Path, Router, Schema

from memberarea.core.errors import id_parse
from memberarea.privacy.holdings import holdings_for

from .auth import app_token
from .members import MEMBER_ID, NOT_YOURS

router = Router(tags=["privacy"], auth=app_token)


class RuleOut(Schema):
    retention: str = Field(description="how long, translated")
    exported: bool = Field(description="in the access and portability exports")
    erasure: str = Field(description="what an erasure request does, translated")
    duty: str = Field(description="the legal duty it is kept under, translated; empty when none")


class CategoryOut(Schema):
    category: str = Field(description="the data map's category code")
    label: str
    special: bool = Field(description="special category (health)")
    sources: list[str]
    purposes: list[str]
    rules: list[RuleOut]


class FieldOut(Schema):
    field: str
    category: str
    source: str
    purposes: list[str]
    retention_days: int
    retention_starts: str = Field(description="recorded | relationship_end")
    exported: bool
    erasure: str = Field(description="erase | anonymise | keep")
    duty: str


class ModelOut(Schema):
    model: str = Field(description="app.Model")
    records: int = Field(description="rows about this member")
    fields: list[FieldOut]


class UnlinkedOut(Schema):
    model: str
    reason: str


class HoldingsOut(Schema):
    member_id: str
    categories: list[CategoryOut] = Field(description="what is held about the member, by category")
    models: list[ModelOut] = Field(description="every table with personal fields, with this member's row count")
    unlinked: list[UnlinkedOut] = Field(description="tables whose rows cannot be tied to one person, and why")


@router.get(
    "/privacy/members/{member_id}/holdings",
    response={200: HoldingsOut},
    summary="What we hold about a member: categories, sources, purposes, retention, per table and field",
)
@NOT_YOURS
def holdings(request, member_id: str = Path(..., description=MEMBER_ID)):
    return holdings_for(actor=request.auth.account, member_id=id_parse(member_id))
