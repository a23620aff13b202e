"""Sending an approved campaign (the worker's side of `privacy.campaigns`): batch after batch
through the outbox (NOTIF-2), each message with its unsubscribe link (PRIV-4).

A batch is one transaction, with the campaign row locked, that writes a `CampaignRecipient` (unique
per campaign and account) with each message: a retried batch, or two workers on one campaign, never
queue a member twice. The audience is asked again for each batch, so a member who unsubscribed, was
restricted or opted out since the approval is not queued. Progress is the number of recipients
written against the audience counted at approval.
"""

import uuid

from django.conf import settings
from django.db import transaction

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.notifications.models import Channel, Kind, Message
from memberarea.notifications.rendering import message_language
from memberarea.notifications.services import message_enqueue

from .audience import CHANNEL_PURPOSE, Recipient, campaign_audience
from .models import Campaign, CampaignRecipient, CampaignState
from .unsubscribe import unsubscribe_short_url, unsubscribe_url

TEMPLATE = "campaign"  # privacy/templates/notifications/campaign/


def _message(campaign: Campaign, recipient: Recipient) -> Message:
    purpose = CHANNEL_PURPOSE[Channel(campaign.channel)]
    if campaign.channel == Channel.EMAIL:
        link = unsubscribe_url(account=recipient.account, purpose=purpose)
    else:
        link = unsubscribe_short_url(account=recipient.account, purpose=purpose)
    language = message_language(recipient.language)
    return message_enqueue(
        channel=Channel(campaign.channel),
        to=recipient.destination,
        template=TEMPLATE,
        language=language,
        context={"subject": getattr(campaign, f"subject_{language}"), "body": getattr(campaign, f"body_{language}")},
        kind=Kind.MARKETING,
        subject_id=str(campaign.pk),
        account=recipient.account,
        membership=recipient.membership,
        unsubscribe_url=link,
    )


def campaign_batch_send(*, campaign_id: uuid.UUID) -> int | None:
    """Queue the next batch of a sending campaign; the last one marks it sent. Returns how many were
    queued, or None when the campaign is not (or no longer) sending."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id, state=CampaignState.SENDING).first()
        if campaign is None:
            return None
        queued = set(CampaignRecipient.objects.filter(campaign=campaign).values_list("account_id", flat=True))
        pending = [recipient for recipient in campaign_audience(campaign) if recipient.account.pk not in queued]
        batch = pending[: settings.PRIVACY_CAMPAIGN_BATCH_SIZE]
        now = clock.now()
        CampaignRecipient.objects.bulk_create(
            CampaignRecipient(campaign=campaign, account=recipient.account, message=_message(campaign, recipient),
                              queued_at=now)
            for recipient in batch
        )  # fmt: skip
        audit_record(event="campaign.batch_queued", actor_id="system", subject_id=str(campaign.pk),
                     data={"queued": len(batch)})  # fmt: skip
        if len(pending) > len(batch):
            return len(batch)
        campaign.state, campaign.finished_at = CampaignState.SENT, now
        campaign.save(update_fields=["state", "finished_at"])
        audit_record(event="campaign.sent", actor_id="system", subject_id=str(campaign.pk),
                     data={"queued": len(queued) + len(batch)})  # fmt: skip
    return len(batch)


def campaign_send(*, campaign_id: uuid.UUID) -> str:
    """Every remaining batch, each committed on its own (the page shows the progress meanwhile)."""
    total = 0
    while (queued := campaign_batch_send(campaign_id=campaign_id)) is not None:
        total += queued
    return f"{total} messages queued"


def campaigns_resume() -> str:
    """The periodic safety net: a sending campaign whose task was lost (a worker died) goes on."""
    sending = list(Campaign.objects.filter(state=CampaignState.SENDING).values_list("pk", flat=True))
    for campaign_id in sending:
        campaign_send(campaign_id=campaign_id)
    return f"{len(sending)} sending campaigns advanced"
