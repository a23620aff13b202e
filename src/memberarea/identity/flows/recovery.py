"""Password recovery (REC-1..4): a request that answers and costs the same for every username, a
one-time link by email, and a new password that ends every session.

The request only validates, checks the captcha, counts, and queues one task carrying the keyed hash
of the username. Whether an account exists is found out by the worker, so the HTTP answer, its
queries and its queued jobs are the same for members and strangers (REL-5). The link's token is
random; only its keyed hash is stored, and it is spent with a conditional UPDATE, so of any number
of simultaneous uses exactly one sets the password (REL-2).
"""

import datetime as dt
import functools
import re
import secrets
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks.base import Task, TaskContext

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.captcha import captcha_verify
from memberarea.core.crypto import blind_index
from memberarea.core.errors import INVALID, RATE_LIMITED, MemberAreaError
from memberarea.core.links import public_url_of
from memberarea.core.ratelimit import Limit, attempt_reserve
from memberarea.core.tasks import task_effect_once
from memberarea.enrollment.identifiers import email_index
from memberarea.enrollment.models import Person
from memberarea.identity.errors import LINK_INVALID
from memberarea.notifications.models import Channel
from memberarea.notifications.rendering import message_language
from memberarea.notifications.services import message_enqueue

from ..contacts import account_password_context, account_verified_contacts
from ..freeze import account_notify
from ..models import Account, CodeChannel, RecoveryToken
from ..passwords import password_history_add, password_validate
from ..sessions import account_sessions_end
from ..usernames import normalise_username, username_index
from .login import login_failures_clear

LINK_HASH_PURPOSE = "recovery-token"
TOKEN_BYTES = 32
# What secrets.token_urlsafe makes, with room to spare; anything else is refused before hashing.
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{20,100}")
# A normalised identity document: NIF and NIE have 9 characters, passports 5 to 20.
USERNAME_FORMAT = re.compile(r"[A-Z0-9]{5,20}")
MAX_TYPED = 100  # longer input is refused before any normalising work
MAX_PASSWORD = 1024  # the validator names the real limit; never hash megabytes
HOUR = 3600


# --- the request (REC-1) -------------------------------------------------------------------------
def uniform_request_accept(*, captcha: str | None, counted: Sequence[tuple[Limit, str]], job: Task, args: list) -> None:
    """The whole work of a request whose answer must not depend on what it names: the captcha, every
    counter, then one queued job that finds out the rest in the worker (REL-5).

    Every counter is reserved before any is judged, so the work is the same whichever is over.
    """
    captcha_verify(captcha)
    reservations = [attempt_reserve(limit, subject) for limit, subject in counted]
    if not all(reservation.allowed for reservation in reservations):
        raise MemberAreaError(RATE_LIMITED)
    transaction.on_commit(functools.partial(job.enqueue, *args))


def _request_limits() -> tuple[Limit, Limit]:
    per_hour = settings.RECOVERY_REQUESTS_PER_HOUR
    return Limit("recovery-address", per_hour, HOUR), Limit("recovery-username", per_hour, HOUR)


def recovery_request(*, username: str, captcha: str | None, address: str, language: str) -> None:
    """Ask for a recovery link (REC-1): the same answer and the same work whether or not the account exists.

    Raises INVALID (not a document), CAPTCHA_REQUIRED / CAPTCHA_INVALID, or RATE_LIMITED
    (RECOVERY_REQUESTS_PER_HOUR per address and per username).
    """
    typed = username if isinstance(username, str) else ""
    normalised = normalise_username(typed) if len(typed) <= MAX_TYPED else ""
    if not USERNAME_FORMAT.fullmatch(normalised):
        raise MemberAreaError(
            INVALID,
            fields={"username": [_("Enter the identity document you sign in with: your NIF, NIE or passport number.")]},
        )
    by_address, by_username = _request_limits()
    key = username_index(normalised)
    uniform_request_accept(
        captcha=captcha,
        counted=[(by_address, address), (by_username, key)],
        job=recovery_link_send,
        args=[key, message_language(language)],
    )


# --- the link (REC-2), in the worker ---------------------------------------------------------------
def account_message_language(account: Account, requested: str) -> str:
    """The account's remembered language (UI-1); the request's only when that one is no longer offered."""
    return account.language if account.language in dict(settings.LANGUAGES) else requested


def recovery_url(token: str) -> str:
    return public_url_of("password-reset-link", token)


def _live(links: QuerySet[RecoveryToken], now: dt.datetime) -> QuerySet[RecoveryToken]:
    return links.filter(used_at__isnull=True, superseded_at__isnull=True, expires_at__gt=now)


def recovery_tokens_supersede(*, account: Account) -> int:
    """Kill every unused link of the account: a newer link or a password change does this (REC-2)."""
    return RecoveryToken.objects.filter(account=account, used_at__isnull=True, superseded_at__isnull=True).update(
        superseded_at=clock.now()
    )


@task(takes_context=True)
def recovery_link_send(context: TaskContext, username_hash: str, language: str) -> None:
    """The worker's half of a request (REC-2): if the username is a member's account, a new link to every
    verified email, in the account's language; otherwise nothing.

    Staff-only accounts (roles, no membership) are not recovered by email. `language`, the request's,
    is used only when the account's remembered language is no longer offered. A retry of the same
    queued task after its effects committed sends nothing (decision 0029).
    """
    account = Account.objects.filter(username_index=username_hash, is_active=True).first()
    if account is None or (account.is_staff and not Person.objects.filter(account=account).exists()):
        return
    held = (
        account.recovery_hold_index if account.recovery_hold_until and account.recovery_hold_until > clock.now() else ""
    )
    emails = [
        (to, name)
        for channel, to, name in account_verified_contacts(account)
        if channel == CodeChannel.EMAIL and not (held and email_index(to) == held)
    ]
    if not emails:
        return  # no email to send it to: customer service helps (REC-4)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    expires_at = now + dt.timedelta(hours=settings.RECOVERY_LINK_HOURS)
    language = account_message_language(account, language)
    with transaction.atomic():
        if not task_effect_once(context):
            return
        recovery_tokens_supersede(account=account)
        link = RecoveryToken.objects.create(
            id=uuid.uuid4(),
            account=account,
            token_hash=blind_index(LINK_HASH_PURPOSE, token),
            created_at=now,
            expires_at=expires_at,
        )
        for to, first_name in emails:
            message_enqueue(
                channel=Channel.EMAIL,
                to=to,
                template="password_reset",
                language=language,
                context={"first_name": first_name, "url": recovery_url(token), "hours": settings.RECOVERY_LINK_HOURS},
                subject_id=str(account.pk),
                account=account,
                expires_at=expires_at,
                contains_secret=True,
            )
        audit_record(
            event="recovery.link_sent", actor_id="system", subject_id=str(account.pk), data={"link": str(link.pk)}
        )


# --- the new password (REC-3, REC-4) -------------------------------------------------------------
def recovery_link_get(*, token: str) -> RecoveryToken:
    """The live link a token opens, with its account; LINK_INVALID when unknown, used, superseded or expired.

    Reads only: opening the link (GET) never spends it.
    """
    if not isinstance(token, str) or not TOKEN_FORMAT.fullmatch(token):
        raise MemberAreaError(LINK_INVALID)
    links = RecoveryToken.objects.select_related("account").filter(
        token_hash=blind_index(LINK_HASH_PURPOSE, token), account__is_active=True
    )
    link = _live(links, clock.now()).first()
    if link is None:
        raise MemberAreaError(LINK_INVALID)
    return link


def recovery_complete(*, token: str, password: str) -> Account:
    """Set the new password through a link (REC-3): spend the link, end every session, tell every contact.

    The link is spent with a conditional UPDATE inside the transaction, so of simultaneous uses one
    wins and the others get LINK_INVALID. Recovery unfreezes a frozen account ("this was not me") and
    makes the next sign-in's second step go by SMS when a verified mobile exists (REC-4), so the mailbox
    alone never gives the account away. This browser is not signed in: it signs in with the second step.
    """
    link = recovery_link_get(token=token)
    account = link.account
    password = (password if isinstance(password, str) else "")[:MAX_PASSWORD]
    password_validate(password, account=account, context_words=account_password_context(account))
    encoded = make_password(password)  # outside the transaction: hashing is the slow part
    contacts = account_verified_contacts(account)
    now = clock.now()
    with transaction.atomic():
        if not _live(RecoveryToken.objects.filter(pk=link.pk), now).update(used_at=now):
            raise MemberAreaError(LINK_INVALID)
        was_frozen = account.frozen_at is not None
        account.password = encoded
        account.password_changed_at = now
        account.frozen_at = None
        account.sms_second_step_required = any(channel == CodeChannel.SMS for channel, _to, _name in contacts)
        account.save(update_fields=["password", "password_changed_at", "frozen_at", "sms_second_step_required"])
        password_history_add(account=account)
        recovery_tokens_supersede(account=account)
        account_sessions_end(account=account, reason="password_recovered")
        login_failures_clear(account)  # recovery unlocks (LOGIN-4)
        account_notify(account=account, template="password_changed", contacts=contacts)
        audit_record(
            event="account.password_recovered",
            actor_id=str(account.pk),
            subject_id=str(account.pk),
            data={"link": str(link.pk), "unfrozen": was_frozen, "sms_second_step": account.sms_second_step_required},
        )
    return account
