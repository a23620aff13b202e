"""Periodic clean-up of the session registry and of Django's own sessions (LOGIN-5, LOGIN-6).

Ended and expired sessions and trusted devices stay RETENTION_DAYS after their end, so the
security officer can look back at a case, then go (their retired refresh tokens with them).
"""

import datetime as dt

from django.contrib.sessions.models import Session
from django.db.models import Q

from memberarea.core import clock
from memberarea.core.jobs import periodic

from .models import SessionRecord, TrustedDevice

RETENTION_DAYS = 30


@periodic("prune_sessions", dt.timedelta(hours=1))
def prune_sessions() -> str:
    now = clock.now()
    cutoff = now - dt.timedelta(days=RETENTION_DAYS)
    _, sessions = SessionRecord.objects.filter(Q(ended_at__lt=cutoff) | Q(expires_at__lt=cutoff)).delete()
    devices, _ = TrustedDevice.objects.filter(Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)).delete()
    browsers, _ = Session.objects.filter(expire_date__lt=now).delete()
    return (
        f"{sessions.get('identity.SessionRecord', 0)} sessions, {devices} trusted devices, "
        f"{browsers} expired browser sessions deleted"
    )
