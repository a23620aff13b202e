"""The privacy app's tasks: sending a campaign, building a member's or a partner's export. Each carries
an id only, as text (task arguments are JSON)."""

import uuid

from django_tasks import task

from .export_build import export_job_build
from .partners import partner_export_build
from .sending import campaign_send


@task()
def campaign_send_task(campaign_id: str) -> str:
    return campaign_send(campaign_id=uuid.UUID(campaign_id))


@task()
def export_job_build_task(job_id: str) -> str:
    """Build one export; re-running a finished one does nothing (the job's state says so)."""
    return export_job_build(uuid.UUID(job_id))


@task()
def partner_export_task(export_id: str) -> str:
    return partner_export_build(export_id=uuid.UUID(export_id))
