"""Telling the member about each step of their request (PRIV-8): by email, else SMS, in the request's language.

The message goes to the account that asked (a guardian hears about the minor's request). It names the
step, the deadline after it and the officer's reason when there is one; never the corrected values.
"""

from collections.abc import Sequence

from django.utils import formats, translation

from memberarea.core.links import public_url_of, sign_in_url
from memberarea.identity.contacts import AccountContacts, account_contacts
from memberarea.notifications.models import Channel
from memberarea.notifications.services import message_enqueue

from ..erasure import KeptItem
from ..request_models import Regime, RequestKind, RightsRequest, RightsRequestStep


def request_tell(
    rights_request: RightsRequest,
    step: RightsRequestStep,
    *,
    contacts: AccountContacts | None = None,
    kept: Sequence[KeptItem] = (),
) -> None:
    """Queue the message about `step`, inside the caller's transaction (no contact: nothing to send).

    `contacts`: read before an erasure took them away; `kept`: what the erasure kept, why and how long.
    """
    account = rights_request.requested_by
    if account is None:
        return
    contacts = contacts or account_contacts(account)
    channel = Channel.EMAIL if contacts.email else Channel.SMS
    destination = contacts.email or contacts.mobile
    if not destination:
        return
    membership = rights_request.membership
    with translation.override(rights_request.language):
        due = formats.date_format(step.due_on, "DATE_FORMAT")
    message_enqueue(
        channel=channel,
        to=destination,
        template="rights_request_step",
        language=rights_request.language,
        context={
            "first_name": contacts.first_name,
            "member_name": membership.first_name if membership and rights_request.as_guardian else "",
            "kind": RequestKind(rights_request.kind).label,  # lazy: rendered in the message's language
            "step": step.kind,
            "due": due,
            "reason": step.reason or "",
            "regime": Regime(rights_request.regime).label,
            "kept": [{"label": item.label, "reason": item.reason, "period": item.period} for item in kept],
            "link": public_url_of("privacy-requests", membership.pk) if membership else sign_in_url(),
        },
        subject_id=str(rights_request.pk),
        account=account,
    )
