"""Reading a registration flow: the live flow, what step 2 shows, the contacts still waiting for a code."""

import json
import uuid

from memberarea.core import clock
from memberarea.core.errors import MemberAreaError, id_parse
from memberarea.core.masking import mask_email, mask_phone, mask_street
from memberarea.identity.errors import FLOW_EXPIRED
from memberarea.identity.flows import codes
from memberarea.identity.models import FlowKind, RegistrationFlow, RegistrationState


def registration_get(*, flow_id: uuid.UUID, kind: FlowKind, states: tuple[str, ...] | None = None) -> RegistrationFlow:
    """The live flow, or FLOW_EXPIRED: unknown, expired, finished, or started by the other kind of client."""
    flow_uuid = id_parse(flow_id, unknown=FLOW_EXPIRED)  # the edges convert; this stays safe for any caller
    flow = (
        RegistrationFlow.objects.select_related("membership__person", "membership__policy")
        .filter(pk=flow_uuid, kind=kind)
        .first()
    )
    if flow is None or flow.expires_at <= clock.now() or flow.state == RegistrationState.COMPLETED:
        raise MemberAreaError(FLOW_EXPIRED)
    if states is not None and flow.state not in states:
        raise MemberAreaError(FLOW_EXPIRED)
    return flow


def registration_summary(flow: RegistrationFlow) -> dict:
    """What step 2 shows: names in full, contacts and street masked, postal code and city in clear (REG-3)."""
    membership = flow.membership
    lines = (membership.street or "").splitlines()
    return {
        "first_name": membership.first_name,
        "last_name": membership.last_name,
        "address": {
            "line1": mask_street(lines[0]) if lines else "",
            "line2": mask_street(" ".join(lines[1:])) if len(lines) > 1 else "",
            "postal_code": membership.postal_code,
            "city": membership.city,
            "province": membership.province,
            "country": membership.country,
        },
        "email": mask_email(membership.email or ""),
        "phone": mask_phone(membership.mobile or ""),
        "has_document_on_record": bool(membership.person.document_index),
    }


def flow_details(flow: RegistrationFlow) -> dict:
    return json.loads(flow.details) if flow.details else {}


def registration_pending_channels(flow: RegistrationFlow) -> list[str]:
    """The new contacts still waiting for their code."""
    used = codes.codes_used(flow.pk)
    return [channel for channel in flow_details(flow).get("verify", []) if channel not in used]
