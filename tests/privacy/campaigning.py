"""Campaigns for the tests: drafted by a marketing employee, approved by a privacy officer, sent as
the worker sends them (the queued task run in the test)."""

from django_tasks_db.models import DBTaskResult

from memberarea.identity.models import Role
from memberarea.notifications.models import Channel
from memberarea.privacy.campaigns import CampaignDraft, campaign_approve, campaign_create, campaign_submit
from memberarea.privacy.models import Campaign
from tests.backoffice.conftest import make_staff

EMAIL_DRAFT = CampaignDraft(
    name="Revisión anual",
    channel=Channel.EMAIL,
    subject_es="Tu revisión anual, sin coste",
    subject_en="Your yearly check-up, free of charge",
    body_es="Pide cita para tu revisión anual en cualquier centro del cuadro médico.",
    body_en="Book your yearly check-up at any clinic of the network.",
)
SMS_DRAFT = CampaignDraft(
    name="Aviso SMS", channel=Channel.SMS, body_es="Revisión anual sin coste.", body_en="Free yearly check-up."
)


def marketing_and_officer():
    return make_staff(Role.MARKETING), make_staff(Role.PRIVACY_OFFICER)


def run_campaign_tasks() -> int:
    """What the worker does with queued campaign tasks; returns how many ran."""
    rows = list(DBTaskResult.objects.ready().filter(task_path__startswith="memberarea.privacy."))
    for row in rows:
        row.task.call(*row.task_result.args, **row.task_result.kwargs)
        row.delete()
    return len(rows)


def campaign_sent(draft: CampaignDraft = EMAIL_DRAFT, *, capture) -> Campaign:
    """Drafted, submitted, approved and sent (the task queued at approval, run as the worker would)."""
    marketing, officer = marketing_and_officer()
    campaign = campaign_create(actor=marketing, draft=draft)
    campaign_submit(actor=marketing, campaign_id=campaign.pk)
    with capture(execute=True):
        campaign_approve(actor=officer, campaign_id=campaign.pk)
    assert run_campaign_tasks() == 1
    campaign.refresh_from_db()
    return campaign
