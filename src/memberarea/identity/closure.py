"""Closing an account for good (PRIV-8 erasure): nothing of it can be used again.

Called by the privacy app's erasure before it empties the account. Every way back in ends in one
transaction: browser and app sessions (with their tokens), trusted devices, sign-in and registration
flows in progress, their codes, recovery links. The account stays inactive; the erasure then removes
its username, so a sign-in with the old one answers exactly as for a name that never existed.
"""

from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record

from .models import Account, LoginFlow, RecoveryToken, RegistrationFlow, VerificationCode
from .sessions import account_sessions_end


def account_close(*, account: Account, actor_id: str) -> bool:
    """Close the account and end everything in flight; False when it was closed already."""
    now = clock.now()
    with transaction.atomic():
        if not Account.objects.filter(pk=account.pk, is_active=True).update(is_active=False):
            return False
        account.is_active = False
        account_sessions_end(account=account, reason="closed")
        flows = [
            *LoginFlow.objects.filter(account=account).values_list("pk", flat=True),
            *RegistrationFlow.objects.filter(account=account).values_list("pk", flat=True),
        ]
        VerificationCode.objects.filter(flow_id__in=flows, expires_at__gt=now).update(expires_at=now)
        LoginFlow.objects.filter(account=account, expires_at__gt=now).update(expires_at=now)
        RegistrationFlow.objects.filter(account=account, expires_at__gt=now).update(expires_at=now)
        RecoveryToken.objects.filter(
            account=account, used_at__isnull=True, superseded_at__isnull=True, expires_at__gt=now
        ).update(superseded_at=now)
        audit_record(event="account.closed", actor_id=actor_id, subject_id=str(account.pk))
    return True
