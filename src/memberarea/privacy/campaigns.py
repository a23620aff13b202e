"""Marketing campaigns (PRIV-3, PRIV-4, PRIV-12, BO-1): drafted by the marketing role, approved by a
privacy officer, then queued through the outbox in batches by a background task.

    draft ──submit──▶ submitted ──approve──▶ sending ──(batches)──▶ sent
      ▲                   │
      └──(edit)── rejected ◀──reject (with a reason)

Every step is audited. The audience is `privacy.audience.marketing_audience`, the same selector
for the count staff see and for the sending (`privacy.sending`, run by the worker).
"""

import uuid
from dataclasses import dataclass, fields

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.errors import FORBIDDEN, INVALID, NOT_FOUND, MemberAreaError
from memberarea.enrollment.models import PolicyType
from memberarea.identity.models import Account, Role
from memberarea.notifications.models import Channel

from .audience import campaign_audience
from .errors import CAMPAIGN_NOT_EDITABLE, CAMPAIGN_NOT_SUBMITTED, CAMPAIGN_OWN_APPROVAL
from .models import Campaign, CampaignState
from .tasks import campaign_send_task

EDITABLE = (CampaignState.DRAFT, CampaignState.REJECTED)
NAME_MAX, SUBJECT_MAX, BODY_MAX = 100, 150, 10_000


@dataclass(frozen=True)
class CampaignDraft:
    """What the marketing role writes; the edge parses `channel` into its enum."""

    name: str
    channel: Channel
    subject_es: str = ""
    subject_en: str = ""
    body_es: str = ""
    body_en: str = ""
    policy_type: str = ""
    language: str = ""


def _role_required(actor: Account, role: Role) -> None:
    if not actor.has_role(role):
        raise MemberAreaError(FORBIDDEN)


def _validated(draft: CampaignDraft) -> CampaignDraft:
    """The draft with its text trimmed, or INVALID naming each field that is wrong."""
    text = {
        field.name: str(getattr(draft, field.name) or "").strip() for field in fields(draft) if field.name != "channel"
    }
    errors: dict[str, list] = {}
    if not text["name"] or len(text["name"]) > NAME_MAX:
        errors["name"] = [_("Give the campaign a name of at most 100 characters.")]
    for language in ("es", "en"):
        body = text[f"body_{language}"]
        if draft.channel == Channel.SMS:
            text[f"subject_{language}"] = ""  # an SMS has no subject
            if not body or len(body) > settings.PRIVACY_CAMPAIGN_SMS_MAX_LENGTH:
                errors[f"body_{language}"] = [
                    _("Write the SMS text in at most %(count)d characters: the unsubscribe link is added after it.")
                    % {"count": settings.PRIVACY_CAMPAIGN_SMS_MAX_LENGTH}
                ]
        else:
            if not text[f"subject_{language}"] or len(text[f"subject_{language}"]) > SUBJECT_MAX:
                errors[f"subject_{language}"] = [_("Write a subject of at most 150 characters.")]
            if not body or len(body) > BODY_MAX:
                errors[f"body_{language}"] = [_("Write the email text (at most 10,000 characters).")]
    if text["policy_type"] and text["policy_type"] not in PolicyType.values:
        errors["policy_type"] = [_("Choose one of the options in the list.")]
    if text["language"] and text["language"] not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = [_("Choose one of the options in the list.")]
    if errors:
        raise MemberAreaError(INVALID, fields=errors)
    return CampaignDraft(channel=draft.channel, **text)


def _campaign(campaign_id: uuid.UUID, *, lock: bool = True) -> Campaign:
    campaigns = Campaign.objects.select_for_update() if lock else Campaign.objects
    campaign = campaigns.filter(pk=campaign_id).first()
    if campaign is None:
        raise MemberAreaError(NOT_FOUND)
    return campaign


def _audit(event: str, actor: Account, campaign: Campaign, **data) -> None:
    audit_record(event=event, actor_id=str(actor.pk), subject_id=str(campaign.pk), data=data)


def campaign_create(*, actor: Account, draft: CampaignDraft) -> Campaign:
    _role_required(actor, Role.MARKETING)
    valid = _validated(draft)
    now = clock.now()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            **{field.name: getattr(valid, field.name) for field in fields(valid)},
            created_by=actor, created_at=now, updated_at=now,
        )  # fmt: skip
        _audit("campaign.drafted", actor, campaign, channel=str(campaign.channel))
    return campaign


def campaign_update(*, actor: Account, campaign_id: uuid.UUID, draft: CampaignDraft) -> Campaign:
    """Change a draft (or a rejected campaign, which becomes a draft again)."""
    _role_required(actor, Role.MARKETING)
    valid = _validated(draft)
    with transaction.atomic():
        campaign = _campaign(campaign_id)
        if campaign.state not in EDITABLE:
            raise MemberAreaError(CAMPAIGN_NOT_EDITABLE)
        for field in fields(valid):
            setattr(campaign, field.name, getattr(valid, field.name))
        campaign.state, campaign.updated_at = CampaignState.DRAFT, clock.now()
        campaign.save()
        _audit("campaign.changed", actor, campaign)
    return campaign


def campaign_submit(*, actor: Account, campaign_id: uuid.UUID) -> Campaign:
    """Ask a privacy officer to approve it; the text cannot change from here on."""
    _role_required(actor, Role.MARKETING)
    with transaction.atomic():
        campaign = _campaign(campaign_id)
        if campaign.state not in EDITABLE:
            raise MemberAreaError(CAMPAIGN_NOT_EDITABLE)
        campaign.state, campaign.submitted_at = CampaignState.SUBMITTED, clock.now()
        campaign.rejection_reason = ""
        campaign.save(update_fields=["state", "submitted_at", "rejection_reason"])
        _audit("campaign.submitted", actor, campaign)
    return campaign


def _decision(actor: Account, campaign_id: uuid.UUID) -> Campaign:
    """The locked campaign a privacy officer may decide on: submitted, and drafted by someone else."""
    _role_required(actor, Role.PRIVACY_OFFICER)
    campaign = _campaign(campaign_id)
    if campaign.state != CampaignState.SUBMITTED:
        raise MemberAreaError(CAMPAIGN_NOT_SUBMITTED)
    if campaign.created_by_id == actor.pk:
        raise MemberAreaError(CAMPAIGN_OWN_APPROVAL)
    return campaign


def campaign_approve(*, actor: Account, campaign_id: uuid.UUID) -> Campaign:
    """Approve and start sending: the audience is counted now, the first batch is queued after commit."""
    with transaction.atomic():
        campaign = _decision(actor, campaign_id)
        campaign.state, campaign.decided_by, campaign.decided_at = CampaignState.SENDING, actor, clock.now()
        campaign.audience_size = len(campaign_audience(campaign))
        campaign.save(update_fields=["state", "decided_by", "decided_at", "audience_size"])
        _audit("campaign.approved", actor, campaign, audience=campaign.audience_size)
        transaction.on_commit(lambda: campaign_send_task.enqueue(str(campaign.pk)), robust=True)
    return campaign


def campaign_reject(*, actor: Account, campaign_id: uuid.UUID, reason: str) -> Campaign:
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise MemberAreaError(INVALID, fields={"reason": [_("Say why, in at most 1,000 characters.")]})
    with transaction.atomic():
        campaign = _decision(actor, campaign_id)
        campaign.state, campaign.decided_by, campaign.decided_at = CampaignState.REJECTED, actor, clock.now()
        campaign.rejection_reason = reason
        campaign.save(update_fields=["state", "decided_by", "decided_at", "rejection_reason"])
        _audit("campaign.rejected", actor, campaign)
    return campaign
