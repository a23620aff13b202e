"""The privacy centre's records: published documents, acknowledgements and consents (PRIV-1..6).

Consents are kept twice on purpose: `ConsentRecord` is the immutable history (one row per change,
the receipt a member downloads), `ConsentChoice` the current answer per account and purpose, which
audiences and pages read without replaying the history. Only `privacy.consent.consent_set` writes
either, in one transaction.
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

# Whose rows they are, and what differs from the map's table: every consent record is the proof of a
# choice; the current choice is only its latest answer.
datamap.subject(DocumentVersion, "published_by__person")
datamap.subject(NoticeAcknowledgement, "account__person")
datamap.subject(ConsentRecord, "account__person")
datamap.subject(ConsentChoice, "account__person")
datamap.retain(ConsentRecord, datamap.CONSENT_PROOF)
datamap.retain(ConsentChoice, datamap.WITH_THE_ACCOUNT)
