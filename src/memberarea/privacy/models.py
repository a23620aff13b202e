"""The privacy centre's records: published documents, acknowledgements and consents (PRIV-1..6).

Consents are kept twice on purpose: `ConsentRecord` is the immutable history (one row per change,
the receipt a member downloads), `ConsentChoice` the current answer per account and purpose, which
audiences and pages read without replaying the history. Only `privacy.consent` writes either, in one
transaction: `consent_set` for an account, `visitor_consent_set` for a browser's cookie answer.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from memberarea.core import datamap
from memberarea.core.datamap import (
    ACTIVITY,
    GENERATED,
    LEGAL_OBLIGATION,
    MARKETING,
    MEMBER,
    ONLINE_IDENTIFIER,
    PREFERENCE,
    NotPersonal,
    Personal,
)
from memberarea.enrollment.models import PolicyType
from memberarea.notifications.models import Channel, Message


class DocumentKind(models.TextChoices):
    NOTICE = "notice", _("Privacy notice")
    TERMS = "terms", _("Terms of use")
    COOKIES = "cookies", _("Cookie policy")
    ACCESSIBILITY = "accessibility", _("Accessibility statement")


class DocumentVersion(models.Model):
    """One published version of a document, in both languages; never edited once published (PRIV-1)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    number = models.PositiveIntegerField()
    effective_on = models.DateField(help_text="the day it takes effect: the 'last updated' date shown")
    body_es = models.TextField()
    body_en = models.TextField()
    summary_es = models.TextField(blank=True, help_text="what changed from the previous version")
    summary_en = models.TextField(blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="the privacy officer; empty for the versions shipped with the product",
    )  # fmt: skip

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="one_number_per_document")]
        ordering = ["kind", "-number"]


class NoticeAcknowledgement(models.Model):
    """A member's "I have read it" of one notice version (PRIV-1)."""

    id = models.BigAutoField(primary_key=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "version"], name="one_acknowledgement")]


class ConsentPurpose(models.TextChoices):
    """The switches of PRIV-3 and the cookie banner's one non-essential category (PRIV-6)."""

    MARKETING_EMAIL = "marketing_email", _("Offers and news by email")
    MARKETING_SMS = "marketing_sms", _("Offers and news by SMS")
    MARKETING_POST = "marketing_post", _("Offers and news by post")
    THIRD_PARTY_SHARING = "third_party_sharing", _("Sharing with partners for their own marketing")
    SURVEYS = "surveys", _("Surveys about our service")
    ANALYTICS = "analytics", _("Anonymous statistics of page visits")


class ConsentMethod(models.TextChoices):
    """How the choice reached us (PRIV-2 `collection_method`)."""

    WEB_FORM = "web_form", _("Web form")
    APP = "app", _("Mobile app")
    GPC = "gpc_signal", _("Global Privacy Control signal")
    UNSUBSCRIBE = "unsubscribe_link", _("Unsubscribe link")
    STAFF = "staff_on_request", _("Staff, at the member's request")


class ActorKind(models.TextChoices):
    MEMBER = "member", _("The member")
    GUARDIAN = "guardian", _("A guardian")
    STAFF = "staff", _("Staff")
    VISITOR = "visitor", _("A visitor not signed in")


class ConsentRecord(models.Model):
    """One consent given or withdrawn: immutable, written only when a choice changes (PRIV-2).

    The principal is an account or, for a visitor's cookie choice, the keyed hash of the browser's
    random consent id (`browser_key`): pseudonymous either way. Its id is the receipt id.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    browser_key = models.CharField(max_length=64, blank=True, db_index=True)
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    given = models.BooleanField()
    method = models.CharField(max_length=24, choices=ConsentMethod.choices)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="who acted when it was not the principal: a guardian or an employee",
    )  # fmt: skip
    notice_version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    gpc = models.BooleanField(default=False, help_text="a Global Privacy Control signal was present")
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["account", "-at"], name="consent_history")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(account__isnull=False) | ~models.Q(browser_key=""), name="consent_has_principal"
            )
        ]

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("consent records are immutable: write a new one")
        super().save(*args, **kwargs)


class ConsentChoice(models.Model):
    """The current answer of an account for one purpose: the newest `ConsentRecord`, kept for reads."""

    id = models.BigAutoField(primary_key=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_choices")
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    given = models.BooleanField()
    method = models.CharField(max_length=24, choices=ConsentMethod.choices)
    record = models.ForeignKey(ConsentRecord, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "purpose"], name="one_choice_per_purpose")]
        indexes = [models.Index(fields=["purpose", "given"], name="consent_audience")]


class PageViewCount(models.Model):
    """How often one page was viewed on one day in one language, by browsers that accepted analytics (PRIV-6).

    Nothing here tells visitors apart: no account, session, consent id, address, user agent or
    referrer, and the page is its route's pattern (`members/<uuid:member_id>/`), never the concrete
    path with its ids. `privacy.analytics.page_view_count` is the one writer (decision 0027).
    """

    id = models.BigAutoField(primary_key=True)
    day = models.DateField(help_text="the day in the insurer's time zone")
    path_template = models.CharField(max_length=200)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "path_template", "language"], name="one_count_per_page_and_day")
        ]


class ProcessingRestriction(models.Model):
    """A restriction of processing (PRIV-8 "restrict"): while open, nothing non-essential is done with
    the account's data — no marketing campaign reaches it. Started and lifted only through
    `privacy.restrictions`; issue 13's rights requests will call those services."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(lifted_at__isnull=True), name="one_open_restriction"
            )
        ]


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    REJECTED = "rejected", _("Rejected")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")


class Campaign(models.Model):
    """A marketing message drafted by the marketing role and sent only after a privacy officer approved it.

    The text is the same for everyone (no personal data); the audience is chosen when it is sent, by
    `privacy.audience.marketing_audience`, from the filters kept here.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, help_text="an internal name staff recognise it by")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    subject_es = models.CharField(max_length=150, blank=True, help_text="email only")
    subject_en = models.CharField(max_length=150, blank=True)
    body_es = models.TextField()
    body_en = models.TextField()
    policy_type = models.CharField(max_length=16, choices=PolicyType.choices, blank=True, help_text="empty: any")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True, help_text="empty: both")
    state = models.CharField(max_length=16, choices=CampaignState.choices, default=CampaignState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="the privacy officer who approved or rejected it",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    audience_size = models.PositiveIntegerField(null=True, blank=True, help_text="the audience when approved")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"campaign {self.pk}"


class CampaignRecipient(models.Model):
    """One member a campaign was queued for: unique, so a retried batch never queues anyone twice."""

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    queued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "account"], name="one_message_per_recipient")]


class UnsubscribeShortLink(models.Model):
    """The short link of a marketing SMS (`/u/<code>`): a random code that stands for one account and
    one purpose until it expires (PRIV-4). Email links are signed tokens and need no row."""

    code = models.CharField(max_length=16, primary_key=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)


_CONSENT = [MARKETING, LEGAL_OBLIGATION]

datamap.declare(
    DocumentVersion,
    id=NotPersonal("random id"),
    kind=NotPersonal("which published document"),
    number=NotPersonal("the version number of a published document"),
    effective_on=NotPersonal("the day a published document takes effect"),
    body_es=NotPersonal("the published text, the same for everyone"),
    body_en=NotPersonal("the published text, the same for everyone"),
    summary_es=NotPersonal("the published summary of changes"),
    summary_en=NotPersonal("the published summary of changes"),
    published_at=NotPersonal("when a document was published"),
    published_by=Personal(ONLINE_IDENTIFIER, GENERATED, [LEGAL_OBLIGATION], note="the privacy officer"),
)
datamap.declare(
    NoticeAcknowledgement,
    id=NotPersonal("sequence number"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [LEGAL_OBLIGATION]),
    version=Personal(ACTIVITY, MEMBER, [LEGAL_OBLIGATION], note="which notice the member read"),
    at=Personal(ACTIVITY, MEMBER, [LEGAL_OBLIGATION]),
)
datamap.declare(
    ConsentRecord,
    id=NotPersonal("random id: the receipt id"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, _CONSENT),
    browser_key=Personal(ONLINE_IDENTIFIER, GENERATED, _CONSENT, note="keyed hash of a browser's consent id"),
    purpose=Personal(PREFERENCE, MEMBER, _CONSENT),
    given=Personal(PREFERENCE, MEMBER, _CONSENT),
    method=Personal(PREFERENCE, MEMBER, _CONSENT),
    actor_kind=Personal(ACTIVITY, GENERATED, _CONSENT),
    actor=Personal(ONLINE_IDENTIFIER, GENERATED, _CONSENT, note="the guardian or employee who acted"),
    notice_version=Personal(PREFERENCE, GENERATED, _CONSENT),
    language=Personal(PREFERENCE, MEMBER, _CONSENT),
    gpc=Personal(PREFERENCE, MEMBER, _CONSENT, note="the browser's Global Privacy Control signal"),
    at=Personal(ACTIVITY, GENERATED, _CONSENT),
)
datamap.declare(
    ConsentChoice,
    id=NotPersonal("sequence number"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, _CONSENT),
    purpose=Personal(PREFERENCE, MEMBER, _CONSENT),
    given=Personal(PREFERENCE, MEMBER, _CONSENT),
    method=Personal(PREFERENCE, MEMBER, _CONSENT),
    record=Personal(PREFERENCE, GENERATED, _CONSENT),
    at=Personal(ACTIVITY, GENERATED, _CONSENT),
)
datamap.declare(
    PageViewCount,
    id=NotPersonal("sequence number"),
    day=NotPersonal("a calendar day shared by every visitor counted that day"),
    path_template=NotPersonal("a route pattern of the site, never a concrete path with ids"),
    language=NotPersonal("one of the site's languages, aggregated over every visitor"),
    count=NotPersonal("an aggregate number of page views"),
)
datamap.declare(
    ProcessingRestriction,
    id=NotPersonal("random id"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [LEGAL_OBLIGATION]),
    started_at=Personal(ACTIVITY, MEMBER, [LEGAL_OBLIGATION], note="when the member asked to restrict processing"),
    started_by=Personal(ONLINE_IDENTIFIER, GENERATED, [LEGAL_OBLIGATION], note="the employee who acted, if any"),
    lifted_at=Personal(ACTIVITY, MEMBER, [LEGAL_OBLIGATION]),
    lifted_by=Personal(ONLINE_IDENTIFIER, GENERATED, [LEGAL_OBLIGATION], note="the employee who acted, if any"),
)
_CAMPAIGN_TEXT = NotPersonal("a campaign's text, the same for every recipient")
_CAMPAIGN_STEP = NotPersonal("a step of a campaign's approval and sending")
datamap.declare(
    Campaign,
    id=NotPersonal("random id"),
    name=_CAMPAIGN_TEXT,
    channel=NotPersonal("email or SMS"),
    subject_es=_CAMPAIGN_TEXT,
    subject_en=_CAMPAIGN_TEXT,
    body_es=_CAMPAIGN_TEXT,
    body_en=_CAMPAIGN_TEXT,
    policy_type=NotPersonal("the audience filter: a kind of policy"),
    language=NotPersonal("the audience filter: a language"),
    state=_CAMPAIGN_STEP,
    created_by=Personal(ONLINE_IDENTIFIER, GENERATED, [MARKETING], note="the employee who drafted it"),
    created_at=_CAMPAIGN_STEP,
    updated_at=_CAMPAIGN_STEP,
    submitted_at=_CAMPAIGN_STEP,
    decided_by=Personal(ONLINE_IDENTIFIER, GENERATED, [MARKETING, LEGAL_OBLIGATION], note="the privacy officer"),
    decided_at=_CAMPAIGN_STEP,
    rejection_reason=NotPersonal("the privacy officer's reason, about the campaign"),
    audience_size=NotPersonal("a count of recipients"),
    finished_at=_CAMPAIGN_STEP,
)
datamap.declare(
    CampaignRecipient,
    id=NotPersonal("sequence number"),
    campaign=Personal(PREFERENCE, GENERATED, [MARKETING], note="which campaign reached the member"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [MARKETING]),
    message=Personal(ONLINE_IDENTIFIER, GENERATED, [MARKETING], note="the outbox message"),
    queued_at=Personal(ACTIVITY, GENERATED, [MARKETING]),
)
datamap.declare(
    UnsubscribeShortLink,
    code=Personal(ONLINE_IDENTIFIER, GENERATED, [MARKETING], note="random code of an SMS unsubscribe link"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [MARKETING]),
    purpose=Personal(PREFERENCE, GENERATED, [MARKETING]),
    created_at=Personal(ACTIVITY, GENERATED, [MARKETING]),
    expires_at=NotPersonal("validity of the link"),
)

# Whose rows they are, and what differs from the map's table: every consent record is the proof of a
# choice; the current choice is only its latest answer.
datamap.subject(DocumentVersion, "published_by__person")
datamap.subject(NoticeAcknowledgement, "account__person")
datamap.subject(ConsentRecord, "account__person")
datamap.subject(ConsentChoice, "account__person")
datamap.subject(ProcessingRestriction, "account__person")
datamap.subject(Campaign, "created_by__person", "decided_by__person")  # the employees who drafted and decided
datamap.subject(CampaignRecipient, "account__person")
datamap.subject(UnsubscribeShortLink, "account__person")
datamap.retain(ConsentRecord, datamap.CONSENT_PROOF)
datamap.retain(ConsentChoice, datamap.WITH_THE_ACCOUNT)

# Export jobs and download links, erasures and retention runs, rights requests and disclosures live in
# modules of their own (this one is near 400 lines); imported here so that Django finds them.
from .disclosure_models import Disclosure, LegalBasis, PartnerExport, PartnerExportState, RecipientKind  # noqa: E402, F401
from .erasure_models import Erasure, RetentionRun, RetentionState  # noqa: E402, F401
from .export_models import DownloadLink, ExportJob  # noqa: E402, F401
from .request_models import RightsRequest, RightsRequestStep  # noqa: E402, F401
