"""Campaign pages (BO-1, PRIV-3, PRIV-4): the marketing role drafts, sees the audience count and
submits; a privacy officer approves or rejects with a reason; the page then shows the sending's
progress. Thin views over `privacy.campaigns`; no page shows a member, only counts."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from memberarea.core.errors import MemberAreaError, choice_parse
from memberarea.enrollment.models import PolicyType
from memberarea.identity.models import Role
from memberarea.notifications.models import Channel
from memberarea.privacy.audience import campaign_audience
from memberarea.privacy.campaigns import (
    EDITABLE,
    CampaignDraft,
    campaign_approve,
    campaign_create,
    campaign_reject,
    campaign_submit,
    campaign_update,
)
from memberarea.privacy.models import Campaign, CampaignState
from memberarea.privacy.selectors import campaigns_with_progress

from .views import staff_page, staff_required

CAMPAIGN_ROLES = (Role.MARKETING, Role.PRIVACY_OFFICER)  # BO-1: drafting, and approving
DRAFT_FIELDS = ("name", "subject_es", "subject_en", "body_es", "body_en", "policy_type", "language")
COUNTED = (CampaignState.DRAFT, CampaignState.REJECTED, CampaignState.SUBMITTED)  # before sending: a live count


def _draft(request) -> CampaignDraft:
    channel = choice_parse(request.POST.get("channel", ""), Channel, field="channel", message=_("Choose email or SMS."))
    return CampaignDraft(channel=channel, **{name: request.POST.get(name, "") for name in DRAFT_FIELDS})


def _form_choices() -> dict:
    return {
        "channels": Channel.choices,
        "policy_types": PolicyType.choices,
        "sms_max_length": settings.PRIVACY_CAMPAIGN_SMS_MAX_LENGTH,
    }


def _campaign(campaign_id: uuid.UUID) -> Campaign:
    campaign = campaigns_with_progress().select_related("created_by", "decided_by").filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def _campaign_page(request, campaign_id: uuid.UUID, error: MemberAreaError | None = None):
    campaign = _campaign(campaign_id)
    drafting = request.user.has_role(Role.MARKETING)
    editable = drafting and campaign.state in EDITABLE
    context = {
        "campaign": campaign,
        "audience": len(campaign_audience(campaign)) if campaign.state in COUNTED else None,
        "editable": editable,
        "may_submit": editable,
        "may_decide": request.user.has_role(Role.PRIVACY_OFFICER)
        and campaign.state == CampaignState.SUBMITTED
        and campaign.created_by_id != request.user.pk,
        **_form_choices(),
    }
    if editable and request.method == "GET":
        context["values"] = {"channel": campaign.channel, **{name: getattr(campaign, name) for name in DRAFT_FIELDS}}
    return staff_page(request, "campaign.html", context, error)


@staff_required(*CAMPAIGN_ROLES)
def campaigns(request):
    return staff_page(request, "campaigns.html", {"campaigns": campaigns_with_progress()})


@staff_required(Role.MARKETING)
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    if request.method == "GET":
        return staff_page(request, "campaign_new.html", {**_form_choices(), "values": {"channel": Channel.EMAIL}})
    try:
        campaign = campaign_create(actor=request.user, draft=_draft(request))
    except MemberAreaError as error:
        return staff_page(request, "campaign_new.html", _form_choices(), error)
    messages.success(request, _("The draft has been saved. Check the audience, then submit it for approval."))
    return redirect("backoffice:campaign", campaign_id=campaign.pk)


@staff_required(*CAMPAIGN_ROLES)
@require_http_methods(["GET", "POST"])
def campaign(request, campaign_id: uuid.UUID):
    """The campaign, its audience count or progress; for marketing, while a draft, its form (POST saves)."""
    if request.method == "GET":
        return _campaign_page(request, campaign_id)
    if not request.user.has_role(Role.MARKETING):
        raise PermissionDenied
    try:
        campaign_update(actor=request.user, campaign_id=_campaign(campaign_id).pk, draft=_draft(request))
    except MemberAreaError as error:
        return _campaign_page(request, campaign_id, error)
    messages.success(request, _("The draft has been saved."))
    return redirect("backoffice:campaign", campaign_id=campaign_id)


def _step(request, campaign_id: uuid.UUID, service, done: str, **arguments):
    try:
        service(actor=request.user, campaign_id=_campaign(campaign_id).pk, **arguments)
    except MemberAreaError as error:
        return _campaign_page(request, campaign_id, error)
    messages.success(request, done)
    return redirect("backoffice:campaign", campaign_id=campaign_id)


@staff_required(Role.MARKETING)
@require_POST
def campaign_submit_view(request, campaign_id: uuid.UUID):
    return _step(request, campaign_id, campaign_submit, _("Submitted: a privacy officer will approve or reject it."))


@staff_required(Role.PRIVACY_OFFICER)
@require_POST
def campaign_approve_view(request, campaign_id: uuid.UUID):
    return _step(request, campaign_id, campaign_approve, _("Approved: the campaign is being sent."))


@staff_required(Role.PRIVACY_OFFICER)
@require_POST
def campaign_reject_view(request, campaign_id: uuid.UUID):
    done = _("Rejected: the marketing team sees your reason and may change the campaign.")
    return _step(request, campaign_id, campaign_reject, done, reason=request.POST.get("reason", ""))
