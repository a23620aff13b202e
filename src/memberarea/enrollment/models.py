"""Enrollment records (ENR-1): what the insurer already knows about persons, policies and memberships.

A person owns the account; a membership is one stint on one policy, so a person who re-joins or
changes employer keeps one account across several memberships. Sensitive values (document, birth
date, street, email, mobile) are encrypted; look-ups use their blind-index columns. Rows are
written only by `enrollment.services` (the import and the welcome messages).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from memberarea.core import datamap
from memberarea.core.datamap import (
    ACCOUNT,
    ACTIVITY,
    ADDRESS,
    CONTACT,
    DATE_OF_BIRTH,
    GENERATED,
    INSURANCE,
    INSURER,
    LEGAL_OBLIGATION,
    NAME,
    NATIONAL_ID,
    ONLINE_IDENTIFIER,
    PREFERENCE,
    SECURITY,
    SERVICE,
    NotPersonal,
    Personal,
)  # fmt: skip
from memberarea.core.fields import EncryptedDateField, EncryptedTextField


class DocumentType(models.TextChoices):
    NIF = "nif", _("NIF (DNI)")
    NIE = "nie", _("NIE")
    PASSPORT = "passport", _("Passport")


class PolicyType(models.TextChoices):
    """The policy's kind, from the enrollment data; members and staff read its translated label."""

    INDIVIDUAL = "individual", _("Individual")
    FAMILY = "family", _("Family")
    CORPORATE = "corporate", _("Corporate")
    INTERNATIONAL = "international", _("International / expatriate")


class PolicyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNSPECIFIED = "unspecified", _("Unspecified")


class Relationship(models.TextChoices):
    HOLDER = "holder", _("Holder")
    SPOUSE_PARTNER = "spouse_partner", _("Spouse or partner")
    CHILD = "child", _("Child")
    OTHER = "other", _("Other")


class WelcomeState(models.TextChoices):
    PENDING = "pending", "Waiting for its recipients (a minor's guardians)"
    QUEUED = "queued", "Queued"
    SKIPPED = "skipped", "Skipped (--no-welcome, or not a new membership)"
    NO_RECIPIENT = "no_recipient", "No email to send it to"


class Person(models.Model):
    """The human being behind one or more memberships; owns the account (ENR-1)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document_type = models.CharField(max_length=16, choices=DocumentType.choices, blank=True)
    document_number = EncryptedTextField(null=True)
    document_country = models.CharField(max_length=2, blank=True, help_text="issuing country of a passport")
    # Keyed hash of type + number (+ country for passports): unique, so one document is one person.
    document_index = models.CharField(max_length=64, blank=True, db_index=True)
    date_of_birth = EncryptedDateField()
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document_index"], condition=~Q(document_index=""), name="unique_person_document"
            )
        ]

    def __str__(self) -> str:
        return f"person {self.pk}"


class Policy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=40, unique=True, help_text="normalised: upper case, no spaces or hyphens")
    type = models.CharField(max_length=16, choices=PolicyType.choices)
    status = models.CharField(max_length=16, choices=PolicyStatus.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    holder_name = models.CharField(max_length=200, blank=True, help_text="the policy holder: a person or a company")
    record_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"policy {self.number}"


class Membership(models.Model):
    """One person on one policy for a stretch of time; the record registration matches against (REG-1)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member_number = models.CharField(max_length=40, unique=True, help_text="normalised (ENR-4)")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=150)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNSPECIFIED)
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="last day covered; empty while it runs")
    # Postal address: the street lines are encrypted; postal code, city, province and country stay
    # readable for aggregate reports (PRIV-11), which suppress small counts.
    street = EncryptedTextField(null=True, blank=True, help_text="street lines, one per line")
    postal_code = models.CharField(max_length=16, blank=True)
    city = models.CharField(max_length=100, blank=True)
    province = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True)
    email = EncryptedTextField(null=True, blank=True)
    email_index = models.CharField(max_length=64, blank=True, db_index=True)
    mobile = EncryptedTextField(null=True, blank=True, help_text="E.164")
    mobile_index = models.CharField(max_length=64, blank=True, db_index=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    # Contacts that came from the insurer count as verified (ENR-1) until the member replaces them;
    # the import never overwrites a contact or address the member has replaced.
    email_from_insurer = models.BooleanField(default=False)
    email_verified = models.BooleanField(default=False)
    mobile_from_insurer = models.BooleanField(default=False)
    mobile_verified = models.BooleanField(default=False)
    address_from_insurer = models.BooleanField(default=False)
    welcome_state = models.CharField(max_length=16, choices=WelcomeState.choices, default=WelcomeState.SKIPPED)
    welcome_sent_at = models.DateTimeField(null=True, blank=True)
    record_digest = models.CharField(max_length=64, blank=True, help_text="keyed hash of the last imported record")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["welcome_state"], name="membership_welcome_state")]

    def __str__(self) -> str:
        return f"membership {self.member_number}"


class Guardianship(models.Model):
    """A legal guardian (an adult membership) of a minor's membership (ENR-1, GUARD-1)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    guardian = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="wards")
    minor = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="guardianships")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guardian", "minor"], name="unique_guardianship"),
            models.CheckConstraint(condition=~Q(guardian=models.F("minor")), name="guardian_is_not_the_minor"),
        ]


class NameToken(models.Model):
    """A keyed hash of one normalised word of a membership's names, for staff search by name (BO-2).

    Words are NFKD-decomposed, stripped of accents and case-folded before hashing, so "lucia" finds
    "Lucía"; only the hash is stored, never the normalised word.
    """

    id = models.BigAutoField(primary_key=True)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "token"], name="unique_name_token")]


class IntegrationClient(models.Model):
    """A system allowed to post enrollment batches; its bearer token is stored as a SHA-256 hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One import (a CSV file or an API batch) with its counts; API batches are unique per client."""

    class Source(models.TextChoices):
        FILE = "file", "CSV file"
        API = "api", "API batch"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=8, choices=Source.choices)
    client = models.ForeignKey(IntegrationClient, null=True, blank=True, on_delete=models.PROTECT)
    client_batch_id = models.CharField(max_length=100, blank=True)
    send_welcome = models.BooleanField(default=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)
    rejoined = models.PositiveIntegerField(default=0)
    suppressed = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    welcome_queued = models.PositiveIntegerField(default=0)
    policies_created = models.PositiveIntegerField(default=0)
    policies_updated = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "client_batch_id"],
                condition=Q(client__isnull=False),
                name="unique_client_batch_id",
            )
        ]

    COUNTS = (
        "rows", "created", "updated", "unchanged", "ended", "rejoined", "suppressed", "rejected",
        "welcome_queued", "policies_created", "policies_updated",
    )  # fmt: skip


class ImportRowError(models.Model):
    """A rejected field of an imported row: where and why, never the value (ENR-2)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField()
    field = models.CharField(max_length=64)
    code = models.CharField(max_length=40)

    class Meta:
        ordering = ["batch", "row", "id"]


class SuppressedPerson(models.Model):
    """A person erased at their request (PRIV-8): imports skip anyone whose key is listed here.

    The key is a keyed hash of the identity document and birth date, so the list itself reveals
    nobody and cannot be reversed without BLIND_INDEX_KEY.
    """

    key = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=32, default="erasure")
    created_at = models.DateTimeField()


_row = NotPersonal("row identifier")
_stamp = Personal(ACTIVITY, GENERATED, [SERVICE], note="when the enrollment record changed")
datamap.declare(
    Person,
    id=Personal(ONLINE_IDENTIFIER, GENERATED, [ACCOUNT, SERVICE]),
    document_type=Personal(NATIONAL_ID, INSURER, [ACCOUNT, SERVICE]),
    document_number=Personal(NATIONAL_ID, INSURER, [ACCOUNT, SERVICE], note="encrypted"),
    document_country=Personal(NATIONAL_ID, INSURER, [ACCOUNT, SERVICE], note="passport issuing country"),
    document_index=Personal(NATIONAL_ID, GENERATED, [ACCOUNT, SERVICE], note="keyed hash of the document"),
    date_of_birth=Personal(DATE_OF_BIRTH, INSURER, [ACCOUNT, SERVICE], note="encrypted"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [ACCOUNT]),
    created_at=_stamp,
    updated_at=_stamp,
)
datamap.declare(
    Policy,
    id=NotPersonal("row identifier of a contract"),
    number=Personal(INSURANCE, INSURER, [SERVICE], note="identifies the holder's contract"),
    type=Personal(INSURANCE, INSURER, [SERVICE]),
    status=Personal(INSURANCE, INSURER, [SERVICE]),
    start_date=Personal(INSURANCE, INSURER, [SERVICE]),
    end_date=Personal(INSURANCE, INSURER, [SERVICE]),
    holder_name=Personal(NAME, INSURER, [SERVICE], note="a person's name for individual policies"),
    record_digest=Personal(INSURANCE, GENERATED, [SERVICE], note="keyed hash of the imported record"),
    created_at=_stamp,
    updated_at=_stamp,
)
datamap.declare(
    Membership,
    id=Personal(ONLINE_IDENTIFIER, GENERATED, [ACCOUNT, SERVICE]),
    member_number=Personal(INSURANCE, INSURER, [ACCOUNT, SERVICE]),
    policy=Personal(INSURANCE, INSURER, [SERVICE]),
    person=Personal(ONLINE_IDENTIFIER, GENERATED, [ACCOUNT, SERVICE]),
    first_name=Personal(NAME, INSURER, [SERVICE]),
    last_name=Personal(NAME, INSURER, [SERVICE]),
    sex=Personal(INSURANCE, INSURER, [SERVICE], note="as recorded on the insurance contract"),
    relationship=Personal(INSURANCE, INSURER, [SERVICE]),
    start_date=Personal(INSURANCE, INSURER, [SERVICE]),
    end_date=Personal(INSURANCE, INSURER, [SERVICE]),
    street=Personal(ADDRESS, INSURER, [SERVICE], note="encrypted"),
    postal_code=Personal(ADDRESS, INSURER, [SERVICE]),
    city=Personal(ADDRESS, INSURER, [SERVICE]),
    province=Personal(ADDRESS, INSURER, [SERVICE]),
    country=Personal(ADDRESS, INSURER, [SERVICE]),
    email=Personal(CONTACT, INSURER, [ACCOUNT, SECURITY, SERVICE], note="encrypted"),
    email_index=Personal(CONTACT, GENERATED, [ACCOUNT, SECURITY], note="keyed hash of the email"),
    mobile=Personal(CONTACT, INSURER, [ACCOUNT, SECURITY, SERVICE], note="encrypted, E.164"),
    mobile_index=Personal(CONTACT, GENERATED, [ACCOUNT, SECURITY], note="keyed hash of the mobile"),
    language=Personal(PREFERENCE, INSURER, [SERVICE]),
    email_from_insurer=Personal(CONTACT, GENERATED, [SECURITY]),
    email_verified=Personal(CONTACT, GENERATED, [SECURITY]),
    mobile_from_insurer=Personal(CONTACT, GENERATED, [SECURITY]),
    mobile_verified=Personal(CONTACT, GENERATED, [SECURITY]),
    address_from_insurer=Personal(ADDRESS, GENERATED, [SERVICE]),
    welcome_state=Personal(ACTIVITY, GENERATED, [SERVICE]),
    welcome_sent_at=Personal(ACTIVITY, GENERATED, [SERVICE]),
    record_digest=Personal(INSURANCE, GENERATED, [SERVICE], note="keyed hash of the imported record"),
    created_at=_stamp,
    updated_at=_stamp,
)
datamap.declare(
    Guardianship,
    id=_row,
    guardian=Personal(INSURANCE, INSURER, [SERVICE, LEGAL_OBLIGATION], note="who acts for the minor"),
    minor=Personal(INSURANCE, INSURER, [SERVICE, LEGAL_OBLIGATION]),
    created_at=_stamp,
)
datamap.declare(
    NameToken,
    id=_row,
    membership=Personal(INSURANCE, GENERATED, [SERVICE]),
    token=Personal(NAME, GENERATED, [SERVICE], note="keyed hash of one normalised word of the name"),
)
_integration = NotPersonal("an integration system's credentials and bookkeeping, about no person")
datamap.declare(
    IntegrationClient, id=_integration, name=_integration, token_hash=_integration, created_at=_integration,
    revoked_at=_integration,
)  # fmt: skip
_counts = NotPersonal("import bookkeeping: counts and ids, never a member's values")
datamap.declare(ImportBatch, **{name: _counts for name in ("id", "source", "client", "client_batch_id",
    "send_welcome", "started_at", "finished_at", *ImportBatch.COUNTS)})  # fmt: skip
datamap.declare(ImportRowError, **{name: _counts for name in ("id", "batch", "row", "field", "code")})
datamap.declare(
    SuppressedPerson,
    id=_row,
    key=Personal(NATIONAL_ID, GENERATED, [LEGAL_OBLIGATION], note="keyed hash of document and birth date"),
    reason=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION]),
    created_at=Personal(ACTIVITY, GENERATED, [LEGAL_OBLIGATION]),
)

# Whose rows they are (the privacy app's holdings and exports walk these); the suppression list is kept
# so that an erasure stays honoured.
datamap.subject(Person, datamap.SELF)
datamap.subject(Policy, "memberships__person")
datamap.subject(Membership, "person")
datamap.subject(Guardianship, "guardian__person", "minor__person")
datamap.subject(NameToken, "membership__person")
datamap.subject_unlinked(SuppressedPerson, "keyed hashes of erased persons: nobody can read them back")
datamap.retain(SuppressedPerson, datamap.SUPPRESSION)
