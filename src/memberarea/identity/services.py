"""Account services: the only code that writes accounts. Each is one transaction with its audit entry."""

from django.conf import settings
from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import INVALID, MemberAreaError

from .models import Account, Role, StaffRole
from .usernames import normalise_username, username_index


def account_create(*, username: str, password: str, language: str = "", roles: tuple[Role, ...] = ()) -> Account:
    if not normalise_username(username):
        raise MemberAreaError(INVALID, fields={"username": [INVALID.message]})
    now = clock.now()
    with transaction.atomic():
        account = Account(language=language or settings.LANGUAGE_CODE, created_at=now)
        account.set_username(username)
        account.set_password(password)
        account.save(force_insert=True)
        for role in roles:
            StaffRole.objects.create(account=account, role=role, granted_at=now)
        audit_record(
            event="account.created",
            actor_id="system",
            subject_id=str(account.pk),
            data={"roles": ",".join(sorted(roles))},
        )
    return account


def account_find(username: str) -> Account | None:
    return Account.objects.filter(username_index=username_index(username)).first()


def account_language_set(*, account: Account, language: str) -> None:
    """Remember the member's language so emails and other devices use it too (UI-1)."""
    if language not in dict(settings.LANGUAGES):
        raise MemberAreaError(INVALID, fields={"language": [INVALID.message]})
    if account.language == language:
        return
    with transaction.atomic():
        Account.objects.filter(pk=account.pk).update(language=language)
        account.language = language
        audit_record(
            event="account.language_changed",
            actor_id=str(account.pk),
            subject_id=str(account.pk),
            data={"language": language},
        )


def account_password_reset_by_operator(*, account: Account, password: str) -> None:
    """Set a password from an operator's command (demo refresh, break-glass), audited as such."""
    with transaction.atomic():
        account.set_password(password)
        account.save(update_fields=["password"])
        audit_record(event="account.password_set_by_operator", actor_id="system", subject_id=str(account.pk))
