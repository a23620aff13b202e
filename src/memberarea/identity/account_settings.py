"""Account settings: the profile, a new password, a new email or mobile (issue 5's settings, LOGIN-9).

Changing the password or a contact is sensitive: it needs a fresh second step (step-up) on the
session asking. A new contact is proven with a code sent to it, and the old one is told, with a
"this was not me" link. During the hold after a registration that replaced enrolled contacts
(REG-4), contacts cannot change again.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import INVALID, MemberAreaError
from memberarea.enrollment.identifiers import (
    InvalidContact,
    email_normalise,
    mobile_normalise,
)
from memberarea.enrollment.models import Membership
from memberarea.identity.errors import CONTACT_ON_HOLD, CURRENT_PASSWORD_INCORRECT, FLOW_EXPIRED
from memberarea.notifications.models import Channel
from memberarea.notifications.services import message_enqueue

from .contacts import CONTACT_FIELDS, account_contacts, account_password_context, contact_write
from .flows import codes
from .flows.login import step_up_require
from .flows.recovery import recovery_tokens_supersede
from .freeze import account_notify, not_me_url
from .models import Account, CodeChannel, FlowKind, LoginFlow, LoginPurpose, LoginState, SessionRecord
from .passwords import password_history_add, password_validate
from .sessions import account_sessions_end


def account_password_change(
    *, account: Account, session: SessionRecord | None, current_password: str, new_password: str
) -> None:
    """A new password (step-up, the current one, the rules with history).

    `session` stays signed in (a browser then takes a new session id: `browser_session_renew`);
    every other browser and app session ends and every trusted device is forgotten, this
    browser's included (docs/decisions/0016-after-a-password-change.md).
    """
    step_up_require(session)
    if not account.check_password((current_password or "")[:1024]):
        raise MemberAreaError(
            CURRENT_PASSWORD_INCORRECT, fields={"current_password": [CURRENT_PASSWORD_INCORRECT.message]}
        )
    new_password = (new_password or "")[:1024]
    password_validate(new_password, account=account, context_words=account_password_context(account))
    encoded = make_password(new_password)
    now = clock.now()
    with transaction.atomic():
        Account.objects.filter(pk=account.pk).update(password=encoded, password_changed_at=now)
        account.password, account.password_changed_at = encoded, now
        password_history_add(account=account)
        recovery_tokens_supersede(account=account)
        account_sessions_end(account=account, reason="password_changed", keep=session)
        account_notify(account=account, template="password_changed", from_settings=True)
        audit_record(event="account.password_changed", actor_id=str(account.pk), subject_id=str(account.pk))


def account_contact_change_start(
    *, account: Account, session: SessionRecord | None, channel: CodeChannel, value: str, kind: FlowKind
) -> LoginFlow:
    """Send a code to the new email or mobile; nothing changes until it comes back."""
    step_up_require(session)
    now = clock.now()
    if account.contact_hold_until is not None and account.contact_hold_until > now:
        raise MemberAreaError(CONTACT_ON_HOLD)
    normalise = {CodeChannel.EMAIL: email_normalise, CodeChannel.SMS: mobile_normalise}
    field = "email" if channel == CodeChannel.EMAIL else "phone"
    try:
        destination = normalise[channel]((value or "")[:254])
    except InvalidContact:
        raise MemberAreaError(INVALID, fields={field: [_("Enter a valid email address or mobile number.")]}) from None
    contacts = account_contacts(account)
    with transaction.atomic():
        flow = LoginFlow.objects.create(
            kind=FlowKind(kind),
            purpose=LoginPurpose.CONTACT,
            state=LoginState.CODE_SENT,
            account=account,
            session=session,
            channel=channel,
            created_at=now,
            expires_at=now + dt.timedelta(seconds=settings.LOGIN_FLOW_SECONDS),
        )
        codes.code_send(
            flow_id=flow.pk,
            channel=channel,
            destination=destination,
            template="contact_code",
            language=account.language,
            context={"first_name": contacts.first_name},
            account=account,
        )
    return flow


def account_contact_change_confirm(
    *, account: Account, session: SessionRecord | None, flow_id: uuid.UUID, kind: FlowKind, code: str
) -> str:
    """The code from the new contact: it replaces the old one everywhere, and the old one is told.

    Only the session that started the change may finish it, and only while its step-up is fresh:
    a change started elsewhere is FLOW_EXPIRED, a stale session REAUTHENTICATION_REQUIRED.
    """
    step_up_require(session)
    flow = LoginFlow.objects.filter(
        pk=flow_id, account=account, kind=kind, purpose=LoginPurpose.CONTACT, state=LoginState.CODE_SENT
    ).first()
    now = clock.now()
    if flow is None or flow.expires_at <= now or session is None or flow.session_id != session.pk:
        raise MemberAreaError(FLOW_EXPIRED)
    channel = CodeChannel(flow.channel)
    row = codes.code_use(flow_id=flow.pk, channel=channel, code=code)
    old = account_contacts(account)
    with transaction.atomic():
        if not LoginFlow.objects.filter(pk=flow.pk, state=LoginState.CODE_SENT).update(state=LoginState.COMPLETED):
            raise MemberAreaError(FLOW_EXPIRED)
        for membership in Membership.objects.filter(person__account=account):
            contact_write(membership, CONTACT_FIELDS[flow.channel], row.destination)
            membership.updated_at = now
            membership.save()
        previous = old.destination(channel)
        if previous and previous != row.destination:
            message_enqueue(
                channel=Channel(flow.channel),
                to=previous,
                template="contact_changed",
                language=account.language,
                context={"first_name": old.first_name, "not_me_url": not_me_url(account)},
                subject_id=str(account.pk),
                account=account,
            )
        audit_record(
            event="account.contact_changed",
            actor_id=str(account.pk),
            subject_id=str(account.pk),
            data={"channel": flow.channel},
        )
    return flow.channel
