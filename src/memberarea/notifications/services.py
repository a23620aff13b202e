"""Writing messages to the outbox (NOTIF-1..3). Delivery is in delivery.py.

Callers run `message_enqueue` inside their own transaction: the message exists exactly when the
action that causes it commits, and the delivery task is queued only after that commit.
"""

import datetime as dt
import functools
import logging
import re
import secrets
import threading
import uuid

from django.db import transaction

from memberarea.core import clock

from .models import Channel, Kind, Message, State
from .rendering import message_language, message_render
from .tasks import message_deliver_task

logger = logging.getLogger("memberarea.notifications")

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# A pragmatic check: one @, no spaces or line breaks. The provider is the judge of the rest.
EMAIL_ADDRESS = re.compile(r"^[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;]+$")


def message_enqueue(
    *,
    channel: Channel,
    to: str,
    template: str,
    language: str,
    context: dict,
    kind: Kind = Kind.ADMINISTRATIVE,
    subject_id: str = "",
    account=None,
    membership=None,
    expires_at: dt.datetime | None = None,
    contains_secret: bool = False,
    unsubscribe_url: str | None = None,
) -> Message:
    """Render `notifications/<template>/` in `language`, store the message, deliver it after commit.

    `expires_at`: codes and links stop being delivered at that instant, whatever the delay.
    `account` / `membership`: who the message is about, so staff see its delivery state (BO-3).
    `contains_secret`: subject and body are erased as soon as the message is finished.
    Marketing needs `unsubscribe_url` (PRIV-4); consent is checked by the caller until the privacy
    centre lands (docs/notifications.md).
    """
    channel = Channel(channel)
    kind = Kind(kind)
    if kind == Kind.MARKETING and not unsubscribe_url:
        raise ValueError("marketing messages need an unsubscribe_url (PRIV-4)")
    if kind == Kind.ADMINISTRATIVE and unsubscribe_url:
        raise ValueError("administrative messages carry no unsubscribe link (PRIV-4)")
    to = _checked_address(channel, to)
    language = message_language(language)
    rendered = message_render(
        channel=channel, template=template, language=language, context=context, unsubscribe_url=unsubscribe_url
    )
    if unsubscribe_url and unsubscribe_url not in rendered.body_text:
        raise ValueError(f"marketing template {template!r} must show {{{{ unsubscribe_url }}}} in its text")
    now = clock.now()
    message = Message(
        id=uuid.uuid4(),
        channel=channel,
        kind=kind,
        language=language,
        template=template,
        to=to,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        unsubscribe_url=unsubscribe_url,
        contains_secret=contains_secret,
        subject_id=str(subject_id or ""),
        account=account,
        membership=membership,
        reference=message_reference(),
        state=State.PENDING,
        next_attempt_at=now,
        dispatched_at=now,
        created_at=now,
        expires_at=expires_at,
    )
    message.save(force_insert=True)
    _waiting_for_commit().setdefault(channel, set()).add(message.pk)
    # robust: a failure to queue the task must not undo or break the caller's action; the sweep
    # dispatches any message whose task never came.
    transaction.on_commit(functools.partial(_dispatch_once_per_commit, channel, message.pk), robust=True)
    return message


def message_dispatch(message_id: uuid.UUID) -> None:
    """Queue one delivery task. Tasks carry the id only, never content or address."""
    message_deliver_task.enqueue(str(message_id))


_this_thread = threading.local()


def _waiting_for_commit() -> dict[str, set[uuid.UUID]]:
    """Messages of this thread whose transaction has not committed yet, by channel."""
    if not hasattr(_this_thread, "waiting"):
        _this_thread.waiting = {}
    return _this_thread.waiting


def _dispatch_once_per_commit(channel: str, message_id: uuid.UUID) -> None:
    """One delivery task per channel per commit: the task drains the channel's due messages, so the
    others of the same commit need none (PERF-7; decision 0040). The commit hooks of a transaction
    run one after the other in its thread, so the first one finds the whole set still waiting.
    Ids of a rolled-back savepoint stay in the set and are cleared with it (their rows are gone)."""
    waiting = _waiting_for_commit().get(channel, set())
    if message_id in waiting:
        waiting.clear()
        message_dispatch(message_id)


def message_reference() -> str:
    """The idempotency reference given to the provider (SMTP Message-ID, SMS `reference`)."""
    return f"ma-{secrets.token_hex(16)}"


def _checked_address(channel: Channel, to: str) -> str:
    to = (to or "").strip()
    if channel == Channel.EMAIL and not EMAIL_ADDRESS.match(to):
        raise ValueError("not an email address")
    if channel == Channel.SMS and not E164.match(to):
        raise ValueError("SMS numbers must be in E.164 form (+34…)")
    return to
