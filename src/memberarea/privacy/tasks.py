"""The campaign sending task: it carries the campaign id only, as text (task arguments are JSON)."""

import uuid

from django_tasks import task

from .sending import campaign_send


@task()
def campaign_send_task(campaign_id: str) -> str:
    return campaign_send(campaign_id=uuid.UUID(campaign_id))
