"""The notifications sweep, run by the worker's periodic-job thread (docs/decisions/0007-worker.md)."""

import datetime as dt

from django.conf import settings

from memberarea.core.jobs import periodic

from .delivery import messages_sweep
from .integration import integration_message_dispatch
from .integration_delivery import integration_sweep
from .services import message_dispatch


@periodic("notifications_sweep", dt.timedelta(seconds=settings.NOTIFICATION_SWEEP_SECONDS))
def notifications_sweep() -> str:
    return messages_sweep(dispatch=message_dispatch)


@periodic("integration_sweep", dt.timedelta(seconds=settings.NOTIFICATION_SWEEP_SECONDS))
def integration_outbox_sweep() -> str:
    return integration_sweep(dispatch=integration_message_dispatch)
