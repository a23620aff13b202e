"""The life of a rights request (PRIV-8, decision 0033): made by the member, worked by a privacy officer.

    received ─confirm─▶ identity_confirmed ─start─▶ in_progress ─complete / approve correction─▶ done
        └──────────────── refuse (reason), at any open state ─────────────────────────────▶ refused
    extend (reason) ▶ extended, from any open state after receipt; change regime (reason) keeps the state.

Objection to marketing and restriction take effect when asked (withdrawing a consent or stopping
non-essential processing needs nobody's review), so those requests are done at once. Every step is
one transaction with its step row, its audit entry and the message to the member.
"""

import datetime as dt
import json
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import FORBIDDEN, INVALID, NOT_FOUND, MemberAreaError
from memberarea.enrollment.models import Membership
from memberarea.identity.contacts import AccountContacts, account_contacts
from memberarea.identity.flows.login import step_up_require
from memberarea.identity.models import Account, Role, SessionRecord
from memberarea.members.access import Access, Purpose, access_member

from .. import deadlines
from ..consent import Actor, consent_set
from ..erasure import KeptItem
from ..errors import (
    MINOR_NO_CHOICES,
    PRIVACY_CENTRE_CLOSED,
    REQUEST_EXTENSION_LIMIT,
    REQUEST_OTHERS_OPEN,
    REQUEST_STEP_NOT_ALLOWED,
)
from ..models import ActorKind, ConsentMethod, ConsentPurpose
from ..request_models import (
    OPEN_STATES,
    Regime,
    RequestKind,
    RequestState,
    RightsRequest,
    RightsRequestStep,
    StepKind,
)
from ..restrictions import restriction_start
from . import corrections, fulfil
from .telling import request_tell

MARKETING_PURPOSES = (
    ConsentPurpose.MARKETING_EMAIL,
    ConsentPurpose.MARKETING_SMS,
    ConsentPurpose.MARKETING_POST,
    ConsentPurpose.THIRD_PARTY_SHARING,
)
AT_ONCE = {RequestKind.OBJECTION, RequestKind.RESTRICTION}  # in effect when asked
NEEDS_ACCOUNT = AT_ONCE  # both act on the account's consents and processing: a minor has none
REASON_MAX = 1000


def today() -> dt.date:
    return clock.today_in(settings.INSURER_TIME_ZONE)


def holidays() -> frozenset[dt.date]:
    return deadlines.holidays_parse(settings.PRIVACY_HOLIDAYS)


def privacy_centre_open(membership: Membership) -> bool:
    """The privacy centre stays open while a membership runs and PRIVACY_CENTRE_AFTER_END_DAYS after the last ends."""
    since = today() - dt.timedelta(days=settings.PRIVACY_CENTRE_AFTER_END_DAYS)
    running = Q(end_date__isnull=True) | Q(end_date__gte=since)
    return Membership.objects.filter(person_id=membership.person_id).filter(running).exists()


# --- the member asks ----------------------------------------------------------------------------
def request_make(
    *,
    actor: Account,
    session: SessionRecord | None,
    member_id: uuid.UUID,
    kind: RequestKind,
    method: ConsentMethod,
    correction: dict[str, str] | None = None,
) -> RightsRequest:
    """A request about the member `actor` may act for (oneself, or a minor as guardian; anyone else is
    NOT_FOUND), after a second step within STEP_UP_SECONDS (LOGIN-9: REAUTHENTICATION_REQUIRED)."""
    step_up_require(session)
    access = access_member(actor=actor, member_id=member_id, purpose=Purpose.VIEW)
    kind = RequestKind(kind)
    membership = access.membership
    if access.relation == "self" and not privacy_centre_open(membership):
        raise MemberAreaError(PRIVACY_CENTRE_CLOSED)
    subject_account = membership.person.account if access.relation == "self" else None
    if kind in NEEDS_ACCOUNT and subject_account is None:
        raise MemberAreaError(MINOR_NO_CHOICES)
    stated = corrections.correction_parse(correction or {}) if kind == RequestKind.CORRECTION else None
    now, received = clock.now(), today()
    regime = settings.PRIVACY_REGIME
    with transaction.atomic():
        rights_request = RightsRequest(
            kind=kind,
            membership=membership,
            requested_by=actor,
            as_guardian=access.relation == "guardian",
            regime=regime,
            language=actor.language,
            received_at=now,
            received_on=received,
            acknowledged_on=received,  # the message about the receipt is the acknowledgement
            acknowledge_by=deadlines.acknowledge_by(regime=regime, received=received, holidays=holidays()),
            due_on=deadlines.due_date(regime=regime, kind=kind, received=received),
            identity_proven_at=session.reauthenticated_at or session.created_at if session else None,
            updated_at=now,
        )
        rights_request.correction = json.dumps(stated) if stated is not None else None
        rights_request.save(force_insert=True)
        if kind in AT_ONCE and subject_account is not None:
            _take_effect(rights_request, access, subject_account, method)
            _step(rights_request, StepKind.DONE, actor=actor, state=RequestState.DONE)
        else:
            _step(rights_request, StepKind.RECEIVED, actor=actor)
    return rights_request


def _take_effect(rights_request: RightsRequest, access: Access, account: Account, method: ConsentMethod) -> None:
    if rights_request.kind == RequestKind.RESTRICTION:
        restriction_start(account=account)
        return
    consent_set(
        account=account,
        changes=dict.fromkeys(MARKETING_PURPOSES, False),
        method=method,
        language=rights_request.language,
        actor=Actor(ActorKind.MEMBER),
    )


# --- the officer works the queue -------------------------------------------------------------------
def _officer_request(officer: Account, request_id: uuid.UUID) -> RightsRequest:
    """The request, locked for this step; only a privacy officer works requests (BO-1)."""
    if not officer.has_role(Role.PRIVACY_OFFICER):
        raise MemberAreaError(FORBIDDEN)
    found = (
        RightsRequest.objects.select_for_update(of=("self",))
        .select_related("membership__person", "requested_by")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise MemberAreaError(NOT_FOUND)
    return found


def _reason_parse(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        message = _("Give the reason the member will read (up to 1000 characters).")
        raise MemberAreaError(INVALID, fields={"reason": [message]})
    return reason


def _require(rights_request: RightsRequest, states, kinds=None) -> None:
    if rights_request.state not in states or (kinds is not None and rights_request.kind not in kinds):
        raise MemberAreaError(REQUEST_STEP_NOT_ALLOWED)


def request_identity_confirm(*, officer: Account, request_id: uuid.UUID) -> RightsRequest:
    with transaction.atomic():
        rights_request = _officer_request(officer, request_id)
        _require(rights_request, {RequestState.RECEIVED})
        _step(rights_request, StepKind.IDENTITY_CONFIRMED, actor=officer, state=RequestState.IDENTITY_CONFIRMED)
    return rights_request


def request_start(*, officer: Account, request_id: uuid.UUID) -> RightsRequest:
    """Work starts; an access or portability request starts its export now."""
    with transaction.atomic():
        rights_request = _officer_request(officer, request_id)
        _require(rights_request, {RequestState.IDENTITY_CONFIRMED})
        if rights_request.kind in (RequestKind.ACCESS, RequestKind.PORTABILITY):
            asker = rights_request.requested_by
            if asker is None:
                raise MemberAreaError(REQUEST_STEP_NOT_ALLOWED)
            rights_request.result_reference = fulfil.export_start(rights_request, account=asker)
        _step(rights_request, StepKind.IN_PROGRESS, actor=officer, state=RequestState.IN_PROGRESS)
    return rights_request


def request_extend(*, officer: Account, request_id: uuid.UUID, reason: str) -> RightsRequest:
    """One more extension, as the regime allows (GDPR: a month at a time, two at most); the member is told why."""
    reason = _reason_parse(reason)
    with transaction.atomic():
        rights_request = _officer_request(officer, request_id)
        _require(rights_request, set(OPEN_STATES) - {RequestState.RECEIVED})
        allowed = deadlines.extensions_allowed(regime=rights_request.regime, kind=rights_request.kind)
        if rights_request.extensions >= allowed:
            raise MemberAreaError(REQUEST_EXTENSION_LIMIT)
        rights_request.extensions += 1
        _deadline_recount(rights_request)
        _step(rights_request, StepKind.EXTENDED, actor=officer, reason=reason, state=RequestState.EXTENDED)
    return rights_request


def request_regime_change(*, officer: Account, request_id: uuid.UUID, regime: str, reason: str) -> RightsRequest:
    """Count this request's deadline under another regime; extensions beyond its allowance are dropped."""
    reason = _reason_parse(reason)
    if regime not in Regime.values:
        raise MemberAreaError(INVALID, fields={"regime": [_("Choose one of the regimes offered.")]})
    with transaction.atomic():
        rights_request = _officer_request(officer, request_id)
        _require(rights_request, OPEN_STATES)
        if regime == rights_request.regime:
            raise MemberAreaError(INVALID, fields={"regime": [_("The request is already counted under this regime.")]})
        rights_request.regime = regime
        allowed = deadlines.extensions_allowed(regime=regime, kind=rights_request.kind)
        rights_request.extensions = min(rights_request.extensions, allowed)
        rights_request.acknowledge_by = deadlines.acknowledge_by(
            regime=regime, received=rights_request.received_on, holidays=holidays()
        )
        _deadline_recount(rights_request)
        _step(rights_request, StepKind.REGIME_CHANGED, actor=officer, reason=reason)
    return rights_request


def request_correction_approve(*, officer: Account, request_id: uuid.UUID) -> RightsRequest:
    """Apply the stated values to the record, forward them to the core system, tell the member: done."""
    with transaction.atomic():
        rights_request = _officer_request(officer, request_id)
        _require(rights_request, {RequestState.IN_PROGRESS, RequestState.EXTENDED}, {RequestKind.CORRECTION})
        if rights_request.membership is None:
            raise MemberAreaError(REQUEST_STEP_NOT_ALLOWED)
        stated = json.loads(rights_request.correction or "{}")
        previous = corrections.correction_apply(rights_request.membership.person, stated)
        rights_request.correction_previous = json.dumps(previous)
        fulfil.correction_forward(rights_request, stated)
        _step(rights_request, StepKind.CORRECTION_APPLIED, actor=officer, state=RequestState.DONE)
    return rights_request


def request_complete(*, officer: Account, request_id: uuid.UUID) -> RightsRequest:
    """The work is done: an erasure is carried out, a Shine the Light answer made (a correction is approved instead)."""
    with transaction.atomic():
        rights_request = _officer_request(officer, request_id)
        _require(
            rights_request,
            {RequestState.IN_PROGRESS, RequestState.EXTENDED},
            set(RequestKind) - {RequestKind.CORRECTION},
        )
        if rights_request.kind == RequestKind.ERASURE:
            _erasure_complete(rights_request, officer)
            return rights_request
        if rights_request.kind == RequestKind.SHINE_THE_LIGHT:
            fulfil.shine_the_light_answer(rights_request)
        _step(rights_request, StepKind.DONE, actor=officer, state=RequestState.DONE)
    return rights_request


def _erasure_complete(rights_request: RightsRequest, officer: Account) -> None:
    """Erase, then tell the asker what was kept and why — at the contacts read before they were erased.

    Not while another request about the same person is open: after the erasure it could be neither
    answered nor told, so the officer answers or refuses it first."""
    if rights_request.membership is None:
        raise MemberAreaError(REQUEST_STEP_NOT_ALLOWED)
    others = RightsRequest.objects.filter(
        membership__person_id=rights_request.membership.person_id, state__in=OPEN_STATES
    ).exclude(pk=rights_request.pk)
    if others.exists():
        raise MemberAreaError(REQUEST_OTHERS_OPEN)
    contacts = account_contacts(rights_request.requested_by) if rights_request.requested_by else None
    with translation.override(rights_request.language):  # the kept list is read in the member's language
        report = fulfil.erasure_carry_out(rights_request, officer=officer)
    _step(rights_request, StepKind.DONE, actor=officer, state=RequestState.DONE, contacts=contacts, kept=report.kept)


def request_refuse(*, officer: Account, request_id: uuid.UUID, reason: str) -> RightsRequest:
    reason = _reason_parse(reason)
    with transaction.atomic():
        rights_request = _officer_request(officer, request_id)
        _require(rights_request, OPEN_STATES)
        _step(rights_request, StepKind.REFUSED, actor=officer, reason=reason, state=RequestState.REFUSED)
    return rights_request


# --- one step ---------------------------------------------------------------------------------------
def _deadline_recount(rights_request: RightsRequest) -> None:
    rights_request.due_on = deadlines.due_date(
        regime=rights_request.regime,
        kind=rights_request.kind,
        received=rights_request.received_on,
        extensions=rights_request.extensions,
    )


def _step(
    rights_request: RightsRequest,
    kind: StepKind,
    *,
    actor: Account,
    reason: str = "",
    state: RequestState | None = None,
    contacts: AccountContacts | None = None,
    kept: Sequence[KeptItem] = (),
) -> RightsRequestStep:
    """Record the step, save the request, audit it, tell the member: the caller's transaction holds them together."""
    now = clock.now()
    if state is not None:
        rights_request.state = state
        if state not in OPEN_STATES:
            rights_request.closed_at = now
    rights_request.updated_at = now
    rights_request.save()
    step = RightsRequestStep(
        request=rights_request,
        kind=kind,
        actor=actor,
        regime=rights_request.regime,
        due_on=rights_request.due_on,
        at=now,
    )
    step.reason = reason or None
    step.save(force_insert=True)
    audit_record(
        event=f"privacy.request_{kind}",
        actor_id=str(actor.pk),
        subject_id=str(rights_request.pk),
        data={
            "kind": rights_request.kind,
            "state": rights_request.state,
            "regime": rights_request.regime,
            "due_on": rights_request.due_on.isoformat(),
        },
    )
    request_tell(rights_request, step, contacts=contacts, kept=kept)
    return step
