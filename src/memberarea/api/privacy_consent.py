"""Privacy choices for the app (PRIV-2, PRIV-3, PRIV-12, API-1): preferences, consent history, receipts.

Member-scoped like /members/{member_id}: the member acted for is in the path and goes through the
one access check (`not_found` for anyone the account may not act for). Choices belong to the
account's own membership; for a guardian's minor every operation answers `minor_has_no_choices`.
A change made here is recorded with the method "app".
"""

import datetime as dt
from typing import Any, Literal

from django.utils.translation import get_language
from ninja import Field, Path, Router, Schema
from pydantic import StrictBool

from memberarea.core.errors import id_parse
from memberarea.members.selectors import member_area_access
from memberarea.privacy.consent import consent_set
from memberarea.privacy.models import ConsentMethod, ConsentPurpose
from memberarea.privacy.preferences import changes_parse, choices_allowed, switches_of
from memberarea.privacy.receipts import receipt_of
from memberarea.privacy.selectors import consent_history

from .auth import app_token
from .declared import raises

router = Router(tags=["privacy"], auth=app_token)
MEMBER_ID = "UUID of the membership, from `members` in GET /me: the account's own"
NOT_YOURS = ("not_found", "no such member, or one this account may not act for")
MINOR = ("minor_has_no_choices", "the member is a minor acted for by a guardian: nothing to choose")
PURPOSES = " | ".join(purpose.value for purpose in ConsentPurpose)


class PartnerOut(Schema):
    id: str
    name: str = Field(description="the partner's brand, the same in every language")
    country: str = Field(description="ISO 3166-1 alpha-2")
    country_name: str = Field(description="translated")
    purpose: str = Field(description="what the partner does with the data, in the request's language")


class SwitchOut(Schema):
    purpose: str = Field(description=PURPOSES)
    label: str = Field(description="translated")
    description: str = Field(description="translated: what switching it on allows")
    given: bool = Field(description="on (consent given) or off; never chosen is off")
    changed_at: dt.datetime | None
    method: str | None = Field(description="how the last change came: web_form, app, gpc_signal, …")
    partners: list[PartnerOut] = Field(
        description="third_party_sharing only: the partners that would receive the data; empty for the others"
    )


class PreferencesOut(Schema):
    switches: list[SwitchOut]


class PreferencesIn(Schema):
    choices: dict[str, StrictBool] = Field(
        description="purpose → on/off; purposes left out stay as they are", examples=[{"marketing_sms": True}]
    )


class PreferencesChangedOut(PreferencesOut):
    recorded: list[str] = Field(description="receipt ids of the records written: one per switch that moved")


class RecordOut(Schema):
    receipt_id: str
    purpose: str = Field(description=PURPOSES)
    given: bool
    method: str = Field(description="web_form | app | gpc_signal | unsubscribe_link | staff_on_request")
    actor: Literal["member", "guardian", "staff", "visitor"]
    gpc: bool = Field(description="a Global Privacy Control signal came with the change")
    notice_version: int
    at: dt.datetime


class HistoryOut(Schema):
    records: list[RecordOut] = Field(description="newest first")


def _account_choosing(request, member_id: str):
    """The access check, then the rule that only one's own membership has choices."""
    account = request.auth.account
    choices_allowed(member_area_access(actor=account, member_id=id_parse(member_id)))
    return account


@router.get("/members/{member_id}/preferences", response={200: PreferencesOut}, summary="The account's privacy choices")
@raises(NOT_YOURS, MINOR)
def preferences_read(request, member_id: str = Path(..., description=MEMBER_ID)):
    return {"switches": switches_of(account=_account_choosing(request, member_id))}


@router.put(
    "/members/{member_id}/preferences",
    response={200: PreferencesChangedOut},
    summary="Change privacy choices: one record per switch that moves, none otherwise",
)
@raises(NOT_YOURS, MINOR)
def preferences_change(request, payload: PreferencesIn, member_id: str = Path(..., description=MEMBER_ID)):
    account = _account_choosing(request, member_id)
    written = consent_set(
        account=account,
        changes=changes_parse(payload.choices, field="choices"),
        method=ConsentMethod.APP,
        language=get_language(),
    )
    return {"switches": switches_of(account=account), "recorded": [str(record.pk) for record in written]}


@router.get("/members/{member_id}/consents", response={200: HistoryOut}, summary="Every consent given or withdrawn")
@raises(NOT_YOURS, MINOR)
def history(request, member_id: str = Path(..., description=MEMBER_ID)):
    records = consent_history(account=_account_choosing(request, member_id))
    return {
        "records": [
            {
                "receipt_id": str(record.pk),
                "purpose": record.purpose,
                "given": record.given,
                "method": record.method,
                "actor": record.actor_kind,
                "gpc": record.gpc,
                "notice_version": record.notice_version.number,
                "at": record.at,
            }
            for record in records
        ]
    }


@router.get(
    "/members/{member_id}/consents/{receipt_id}",
    response={200: dict[str, Any]},
    summary="One consent receipt (PRIV-2): the fields of docs/schemas/consent-receipt.schema.json",
)
@raises(("not_found", "no such member or receipt, or one of another account"), MINOR)
def receipt(request, member_id: str = Path(..., description=MEMBER_ID), receipt_id: str = Path(...)):
    account = _account_choosing(request, member_id)
    return receipt_of(account=account, receipt_id=id_parse(receipt_id))
