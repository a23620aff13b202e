"""The privacy app's tasks: each carries an id only, as text (task arguments are JSON)."""

import uuid

from django_tasks import task

from .partners import partner_export_build
from .sending import campaign_send


@task()
def campaign_send_task(campaign_id: str) -> str:
    return campaign_send(campaign_id=uuid.UUID(campaign_id))


@task()
def partner_export_task(export_id: str) -> str:
    return partner_export_build(export_id=uuid.UUID(export_id))
