"""Campaigns (PRIV-3, PRIV-4, PRIV-12, BO-1): drafted by marketing, sent only after a privacy officer
approved them, to exactly the audience counted, in idempotent batches, every step audited."""

import pytest
from django.conf import settings

from memberarea.core import clock
from memberarea.core.errors import MemberAreaError
from memberarea.core.models import AuditEntry
from memberarea.enrollment.identifiers import is_minor
from memberarea.identity.models import Role
from memberarea.notifications.models import Channel, Kind, Message
from memberarea.privacy.audience import campaign_audience
from memberarea.privacy.campaigns import (
    CampaignDraft,
    campaign_approve,
    campaign_create,
    campaign_reject,
    campaign_submit,
    campaign_update,
)
from memberarea.privacy.models import CampaignRecipient, CampaignState
from memberarea.privacy.restrictions import restriction_start
from memberarea.privacy.sending import campaign_batch_send, campaign_send
from tests.backoffice.conftest import make_staff
from tests.privacy.campaigning import EMAIL_DRAFT, SMS_DRAFT, campaign_sent, marketing_and_officer
from tests.privacy.population import (
    CHILD,
    COMES_OF_AGE_TODAY,
    MINOR_UNTIL_TOMORROW,
    Traits,
    member_add,
    policies_import,
)

pytestmark = pytest.mark.django_db


def code_of(call, **kwargs) -> str:
    with pytest.raises(MemberAreaError) as raised:
        call(**kwargs)
    return raised.value.code


@pytest.fixture
def population(frozen_clock):
    """Adults who agreed to email (1, 2, 6 — 6 comes of age today), and people who must never be reached."""
    policies_import()
    member_add(1, Traits())
    member_add(2, Traits(language="en"))
    member_add(3, Traits(born=CHILD))
    member_add(4, Traits(born=MINOR_UNTIL_TOMORROW))
    member_add(5, Traits(email_consent=False))
    member_add(6, Traits(born=COMES_OF_AGE_TODAY))
    member_add(7, Traits(gpc=True))
    member_add(8, Traits(restricted=True))
    member_add(9, Traits(suppressed=True))
    return frozen_clock


@pytest.mark.req("BO-1")
def test_marketing_drafts_and_submits_but_cannot_approve_and_the_officer_cannot_draft(population):
    marketing, officer = marketing_and_officer()
    assert code_of(campaign_create, actor=officer, draft=EMAIL_DRAFT) == "forbidden"
    campaign = campaign_create(actor=marketing, draft=EMAIL_DRAFT)
    assert code_of(campaign_approve, actor=officer, campaign_id=campaign.pk) == "campaign_not_submitted"
    campaign_submit(actor=marketing, campaign_id=campaign.pk)
    assert code_of(campaign_approve, actor=marketing, campaign_id=campaign.pk) == "forbidden"
    assert code_of(campaign_update, actor=marketing, campaign_id=campaign.pk, draft=EMAIL_DRAFT) == (
        "campaign_not_editable"
    )
    assert not Message.objects.filter(kind=Kind.MARKETING).exists()


@pytest.mark.req("BO-1")
def test_nobody_approves_a_campaign_they_drafted_even_holding_both_roles(population):
    both = make_staff(Role.MARKETING, username="STAFF-BOTH")
    both.staff_roles.create(role=Role.PRIVACY_OFFICER, granted_at=clock.now())
    both = type(both).objects.get(pk=both.pk)
    campaign = campaign_create(actor=both, draft=EMAIL_DRAFT)
    campaign_submit(actor=both, campaign_id=campaign.pk)
    assert code_of(campaign_approve, actor=both, campaign_id=campaign.pk) == "campaign_own_approval"
    assert code_of(campaign_reject, actor=both, campaign_id=campaign.pk, reason="No") == "campaign_own_approval"


@pytest.mark.req("BO-1")
def test_a_rejected_campaign_keeps_the_reason_and_can_be_changed_and_submitted_again(population):
    marketing, officer = marketing_and_officer()
    campaign = campaign_create(actor=marketing, draft=EMAIL_DRAFT)
    campaign_submit(actor=marketing, campaign_id=campaign.pk)
    assert code_of(campaign_reject, actor=officer, campaign_id=campaign.pk, reason=" ") == "invalid"
    rejected = campaign_reject(actor=officer, campaign_id=campaign.pk, reason="El asunto promete demasiado.")
    assert (rejected.state, rejected.rejection_reason) == (CampaignState.REJECTED, "El asunto promete demasiado.")
    changed = campaign_update(actor=marketing, campaign_id=campaign.pk, draft=EMAIL_DRAFT)
    assert changed.state == CampaignState.DRAFT
    campaign_submit(actor=marketing, campaign_id=campaign.pk)
    assert not Message.objects.filter(kind=Kind.MARKETING).exists()


@pytest.mark.req("PRIV-4")
def test_an_sms_campaign_has_no_subject_and_a_bounded_text(population):
    marketing, _ = marketing_and_officer()
    too_long = CampaignDraft(name="Largo", channel=Channel.SMS, body_es="x" * 121, body_en="ok")
    with pytest.raises(MemberAreaError) as raised:
        campaign_create(actor=marketing, draft=too_long)
    assert set(raised.value.fields) == {"body_es"}
    no_subject = CampaignDraft(name="Sin asunto", channel=Channel.EMAIL, body_es="Hola", body_en="Hello")
    with pytest.raises(MemberAreaError) as raised:
        campaign_create(actor=marketing, draft=no_subject)
    assert set(raised.value.fields) == {"subject_es", "subject_en"}
    with_subject = CampaignDraft(**{**SMS_DRAFT.__dict__, "subject_es": "ignorado"})
    assert campaign_create(actor=marketing, draft=with_subject).subject_es == ""


@pytest.mark.req("PRIV-12")
@pytest.mark.req("PRIV-3")
def test_the_count_before_sending_is_what_is_sent_and_never_a_minor(population, django_capture_on_commit_callbacks):
    campaign = campaign_sent(capture=django_capture_on_commit_callbacks)
    messages = Message.objects.filter(kind=Kind.MARKETING, subject_id=str(campaign.pk)).select_related(
        "membership__person"
    )
    assert campaign.state == CampaignState.SENT and campaign.audience_size == 3
    assert sorted(message.membership.member_number for message in messages) == ["M000001", "M000002", "M000006"]
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 3
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    assert not [
        m for m in Message.objects.filter(kind=Kind.MARKETING) if is_minor(m.membership.person.date_of_birth, today)
    ]
    assert {message.language for message in messages} == {"es", "en"}
    english = next(message for message in messages if message.language == "en")
    assert english.subject == EMAIL_DRAFT.subject_en and EMAIL_DRAFT.body_en in english.body_text
    assert english.unsubscribe_url in english.body_text


@pytest.mark.req("PRIV-4")
def test_batches_are_idempotent_and_show_progress(population, settings):
    settings.PRIVACY_CAMPAIGN_BATCH_SIZE = 2
    marketing, officer = marketing_and_officer()
    campaign = campaign_create(actor=marketing, draft=EMAIL_DRAFT)
    campaign_submit(actor=marketing, campaign_id=campaign.pk)
    campaign_approve(actor=officer, campaign_id=campaign.pk)
    assert campaign_batch_send(campaign_id=campaign.pk) == 2
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 2  # "2 of 3" on the page
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.SENDING
    # The task and the periodic safety net both running it: the rest once, then nothing.
    assert campaign_send(campaign_id=campaign.pk) == "1 messages queued"
    assert campaign_send(campaign_id=campaign.pk) == "0 messages queued"
    assert campaign_batch_send(campaign_id=campaign.pk) is None
    accounts = list(Message.objects.filter(subject_id=str(campaign.pk)).values_list("account_id", flat=True))
    assert len(accounts) == len(set(accounts)) == 3
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.SENT and campaign.finished_at is not None


@pytest.mark.req("PRIV-12")
def test_who_comes_of_age_after_approval_is_not_lost_and_who_withdrew_is_not_sent(population):
    marketing, officer = marketing_and_officer()
    campaign = campaign_create(actor=marketing, draft=EMAIL_DRAFT)
    campaign_submit(actor=marketing, campaign_id=campaign.pk)
    campaign_approve(actor=officer, campaign_id=campaign.pk)
    assert len(campaign_audience(campaign)) == 3
    population.advance(days=1)  # member 4 is 18 today; the batch asks the audience again
    member_one = next(r.account for r in campaign_audience(campaign) if r.membership.member_number == "M000001")
    restriction_start(account=member_one)
    campaign_send(campaign_id=campaign.pk)
    sent = Message.objects.filter(subject_id=str(campaign.pk)).select_related("membership")
    assert sorted(message.membership.member_number for message in sent) == ["M000002", "M000004", "M000006"]


@pytest.mark.req("BO-5")
def test_every_step_is_audited(population, django_capture_on_commit_callbacks):
    campaign = campaign_sent(capture=django_capture_on_commit_callbacks)
    events = AuditEntry.objects.filter(subject_id=str(campaign.pk)).order_by("seq").values_list("event", flat=True)
    assert list(events) == [
        "campaign.drafted",
        "campaign.submitted",
        "campaign.approved",
        "campaign.batch_queued",
        "campaign.sent",
    ]
