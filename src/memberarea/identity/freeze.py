""" "This was not me" (PRIV-13): one link in a notice freezes the account until it is recovered.

The link carries a signed, expiring token naming the account: it needs no row of its own, and
freezing twice is harmless. Opening it shows a page; only the POST from that page freezes (mail
scanners follow links). Freezing ends every session and token, opens a security case, and tells
every contact on record.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.links import public_url_of
from memberarea.notifications.models import Channel
from memberarea.notifications.services import message_enqueue

from .contacts import account_verified_contacts
from .models import Account, SecurityCase
from .sessions import account_sessions_end

_SALT = "memberarea.identity.not-me"


def not_me_url(account: Account) -> str:
    token = signing.dumps(str(account.pk), salt=_SALT, compress=True)
    return public_url_of("not-me-link", token)


def not_me_account(token: str) -> Account | None:
    """The account a link names, or None when the token is forged or older than the setting allows."""
    try:
        account_id = signing.loads(token, salt=_SALT, max_age=settings.REGISTRATION_NOT_ME_LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    return Account.objects.filter(pk=account_id).first()


def account_freeze(*, account: Account, reason: str, actor_id: str) -> bool:
    """Freeze once: sessions ended, security case opened, every contact told. False if already frozen."""
    now = clock.now()
    with transaction.atomic():
        if not Account.objects.filter(pk=account.pk, frozen_at__isnull=True).update(frozen_at=now):
            return False
        account_sessions_end(account=account, reason="frozen")
        case = SecurityCase.objects.create(account=account, reason=reason, opened_at=now)
        audit_record(event="account.frozen", actor_id=actor_id, subject_id=str(account.pk), data={"case": str(case.pk)})
        account_notify(account=account, template="account_frozen")
    return True


def account_notify(*, account: Account, template: str, contacts=None, **context) -> None:
    """Queue `template` to every verified contact of the account (or to `contacts`, read before a change),
    in its language, with the member's first name and the "this was not me" link."""
    for channel, destination, first_name in contacts if contacts is not None else account_verified_contacts(account):
        message_enqueue(
            channel=Channel(channel),
            to=destination,
            template=template,
            language=account.language,
            context={**context, "first_name": first_name, "not_me_url": not_me_url(account)},
            subject_id=str(account.pk),
            account=account,
        )
