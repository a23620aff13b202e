"""Telling members about a new privacy notice (PRIV-1): the announcement, the acknowledgement, the record at sign-in.

- The home page announces the version in force for `PRIVACY_NOTICE_ANNOUNCE_DAYS` after it takes effect.
- A member who has not acknowledged the version in force is asked to, once, after signing in (the
  web's interstitial, the app's `notice_to_acknowledge`); "I have read it" is a `NoticeAcknowledgement`.
- Version 1 is the notice the product was installed with, in force before any account existed: it
  is never announced nor asked about. Registration acknowledges the version in force (the pages
  link it), so a brand-new member is not asked again (decision 0024).
- Every sign-in records the version in force in the audit log (`notice.in_force_at_sign_in`),
  through the hook identity offers (`identity.sign_in.SIGNED_IN`), filled by `PrivacyConfig.ready`.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import MemberAreaError
from memberarea.identity.models import Account, SessionRecord

from .errors import NOTICE_NOT_CURRENT
from .models import DocumentKind, DocumentVersion, NoticeAcknowledgement
from .selectors import version_in_force

NOTICE = DocumentKind.NOTICE


def notice_announced() -> DocumentVersion | None:
    """The notice version the home page announces: the one in force, within its first days."""
    version = version_in_force(NOTICE)
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    recent = version.effective_on >= today - dt.timedelta(days=settings.PRIVACY_NOTICE_ANNOUNCE_DAYS)
    return version if version.number > 1 and recent else None


@dataclass(frozen=True)
class _SignInNotice:
    """What the sign-in hook read of the notice for the account signing in."""

    account_id: object
    version: DocumentVersion
    acknowledged: bool


# Where the sign-in hook leaves what it read, so the same request's answer does not read it again
# (PERF-2, decision 0045). It dies with the request: no server can keep an old version in force.
_ON_REQUEST = "_memberarea_sign_in_notice"


def _read_at_sign_in(request, account: Account) -> _SignInNotice | None:
    known = getattr(request, _ON_REQUEST, None) if request is not None else None
    return known if known is not None and known.account_id == account.pk else None


def notice_to_acknowledge(account: Account, *, request=None) -> DocumentVersion | None:
    """The notice version in force, when this member has not said "I have read it" yet; None otherwise.

    Staff are no members: the member notice is not theirs to acknowledge. `request`: the request
    that has just signed the account in, whose hook already read the notice.
    """
    known = _read_at_sign_in(request, account)
    version = known.version if known is not None else version_in_force(NOTICE)
    if version.number == 1:
        return None
    acknowledged = (
        known.acknowledged
        if known is not None
        else NoticeAcknowledgement.objects.filter(account=account, version=version).exists()
    )
    return None if acknowledged or account.is_staff else version


def notice_acknowledge(*, account: Account, number: int) -> NoticeAcknowledgement:
    """Record that the member read notice version `number`, which must be the one in force; once only.

    Asking again for the same version returns the first acknowledgement and writes nothing.
    """
    version = version_in_force(NOTICE)
    if version.number != number:
        raise MemberAreaError(NOTICE_NOT_CURRENT)
    with transaction.atomic():
        acknowledgement, created = NoticeAcknowledgement.objects.get_or_create(
            account=account, version=version, defaults={"at": clock.now()}
        )
        if created:
            audit_record(
                event="notice.acknowledged",
                actor_id=str(account.pk),
                subject_id=str(version.pk),
                data={"number": version.number},
            )
    return acknowledgement


def notice_in_force_at_sign_in(*, request, account: Account, session: SessionRecord) -> None:
    """The hook identity calls after every sign-in (web, app, and the sign-in that ends a registration)."""
    version = version_in_force(NOTICE)
    acknowledged = NoticeAcknowledgement.objects.filter(account=account, version=version).exists()
    setattr(request, _ON_REQUEST, _SignInNotice(account_id=account.pk, version=version, acknowledged=acknowledged))
    audit_record(
        event="notice.in_force_at_sign_in",
        actor_id=str(account.pk),
        subject_id=str(session.pk),
        data={"number": version.number, "acknowledged": acknowledged},
    )


def notice_acknowledge_at_registration(*, account: Account) -> NoticeAcknowledgement:
    """A new account: its registration page linked the notice in force, so that version is acknowledged."""
    return notice_acknowledge(account=account, number=version_in_force(NOTICE).number)
