"""The campaign pages (BO-1, PRIV-3, PRIV-4): marketing drafts and sees the count, a privacy officer
approves, the page shows the progress — and no page shows a member, only counts."""

import re

import pytest

from memberarea.identity.models import Role
from memberarea.notifications.models import Kind, Message
from memberarea.privacy.models import Campaign, CampaignState
from tests.backoffice.conftest import client_for
from tests.privacy.campaigning import EMAIL_DRAFT, run_campaign_tasks
from tests.privacy.population import CHILD, Traits, member_add, policies_import

pytestmark = pytest.mark.django_db
FORM = {**{name: getattr(EMAIL_DRAFT, name) for name in ("name", "subject_es", "subject_en", "body_es", "body_en")},
        "channel": "email", "policy_type": "", "language": ""}  # fmt: skip


@pytest.fixture
def members(frozen_clock):
    policies_import()
    member_add(1, Traits())
    member_add(2, Traits(language="en"))
    member_add(3, Traits(born=CHILD))
    member_add(4, Traits(email_consent=False))


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.req("BO-1")
@pytest.mark.req("PRIV-3")
def test_marketing_drafts_sees_the_count_submits_and_a_privacy_officer_approves(
    members, staff, django_capture_on_commit_callbacks
):
    marketing, officer = client_for(staff[Role.MARKETING]), client_for(staff[Role.PRIVACY_OFFICER])
    saved = marketing.post("/staff/campaigns/new/", FORM)
    campaign = Campaign.objects.get()
    assert saved["Location"] == f"/staff/campaigns/{campaign.pk}/"
    page = text(marketing.get(saved["Location"]))
    assert "Hoy esta campaña llegaría a 2 personas." in page
    assert "M000001" not in page and "persona1@" not in page  # counts, never members
    assert "/approve/" not in page
    assert marketing.post(f"/staff/campaigns/{campaign.pk}/approve/").status_code == 403
    marketing.post(f"/staff/campaigns/{campaign.pk}/submit/")
    assert "/submit/" not in text(marketing.get(saved["Location"]))  # submitted: no longer editable
    assert 'name="body_es"' not in text(marketing.get(saved["Location"]))
    officer_page = text(officer.get(saved["Location"]))
    assert f"/staff/campaigns/{campaign.pk}/approve/" in officer_page
    with django_capture_on_commit_callbacks(execute=True):
        approved = officer.post(f"/staff/campaigns/{campaign.pk}/approve/")
    assert approved.status_code == 302
    assert "En cola 0 de 2" in text(officer.get(saved["Location"]))
    assert run_campaign_tasks() == 1
    assert "En cola 2 de 2" in text(officer.get("/staff/campaigns/"))
    assert Message.objects.filter(kind=Kind.MARKETING).count() == 2


@pytest.mark.req("BO-1")
def test_the_draft_form_shows_errors_per_field_and_a_rejection_shows_its_reason(members, staff):
    marketing, officer = client_for(staff[Role.MARKETING]), client_for(staff[Role.PRIVACY_OFFICER])
    refused = marketing.post("/staff/campaigns/new/", {**FORM, "channel": "sms", "body_es": "x" * 200})
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.content.decode()
    assert "120 caracteres como máximo" in text(refused) and not Campaign.objects.exists()
    marketing.post("/staff/campaigns/new/", FORM)
    campaign = Campaign.objects.get()
    marketing.post(f"/staff/campaigns/{campaign.pk}/submit/")
    assert officer.post(f"/staff/campaigns/{campaign.pk}/reject/", {"reason": ""}).status_code == 400
    officer.post(f"/staff/campaigns/{campaign.pk}/reject/", {"reason": "Falta la fecha de la oferta."})
    page = text(marketing.get(f"/staff/campaigns/{campaign.pk}/"))
    assert "Falta la fecha de la oferta." in page and 'name="body_es"' in page  # editable again
    changed = marketing.post(f"/staff/campaigns/{campaign.pk}/", {**FORM, "name": "Revisión, segunda versión"})
    assert changed.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.state) == ("Revisión, segunda versión", CampaignState.DRAFT)


@pytest.mark.req("BO-1")
def test_only_marketing_and_privacy_officers_reach_the_campaigns(members, staff):
    for role in Role:
        client = client_for(staff[role])
        allowed = role in (Role.MARKETING, Role.PRIVACY_OFFICER)
        assert client.get("/staff/campaigns/").status_code == (200 if allowed else 403), role
        assert client.get("/staff/campaigns/new/").status_code == (200 if role == Role.MARKETING else 403), role
        assert ('href="/staff/campaigns/"' in client.get("/staff/").content.decode()) is allowed
    assert client_for(staff[Role.PRIVACY_OFFICER]).post("/staff/campaigns/new/", FORM).status_code == 403
