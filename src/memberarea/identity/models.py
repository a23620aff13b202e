"""One account model for members and staff (decided in architecture.md), and the identity app's other tables.

Longer than 400 lines on purpose: Django expects an app's models in one module, and these are
declarations only (fields, their data-map entries, constraints), with no logic to split.
"""

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from memberarea.core import datamap
from memberarea.core.datamap import (
    ACCOUNT,
    ACTIVITY,
    CONTACT,
    CREDENTIAL,
    GENERATED,
    INSURANCE,
    INSURER,
    MEMBER,
    NATIONAL_ID,
    ONLINE_IDENTIFIER,
    PREFERENCE,
    SECURITY,
    NotPersonal,
    Personal,
)  # fmt: skip
from memberarea.core.fields import EncryptedTextField

from .usernames import normalise_username, username_index


class Role(models.TextChoices):
    """Staff roles of the BO-1 table; an account with none is a member."""

    AGENT = "agent", _("Customer-service agent")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    SECURITY_OFFICER = "security_officer", _("Security officer")
    ADMINISTRATOR = "administrator", _("Administrator")
    MARKETING = "marketing", _("Marketing")


class AccountManager(BaseUserManager["Account"]):
    def get_by_natural_key(self, username: str | None) -> "Account":
        if username is None:
            raise self.model.DoesNotExist
        return self.get(username_index=username_index(username))


class Account(AbstractBaseUser):
    """Username = the normalised identity document, encrypted; found by its blind index."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = EncryptedTextField()
    username_index = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    # After a member replaced an enrolled contact at registration, exports and further contact
    # changes wait until this instant (REG-4), so a quiet takeover cannot finish before the notice lands.
    contact_hold_until = models.DateTimeField(null=True, blank=True)
    # Set by "this was not me" (PRIV-13): no sign-in until the member recovers the account.
    frozen_at = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    # After a recovery, the next sign-in's second step goes by SMS when a verified mobile exists (REC-4).
    sms_second_step_required = models.BooleanField(default=False)
    # After customer service replaced an email (BO-3), recovery links do not go to it until this instant:
    # a caller who talked an agent into a new address cannot recover the account through it at once.
    recovery_hold_until = models.DateTimeField(null=True, blank=True)
    recovery_hold_index = models.CharField(max_length=64, blank=True, help_text="keyed hash of the held email")

    objects = AccountManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    def __str__(self) -> str:
        return f"account {self.pk}"

    def set_username(self, value: str) -> None:
        self.username = normalise_username(value)
        self.username_index = username_index(value)

    @property
    def roles(self) -> set[str]:
        if not hasattr(self, "_roles"):
            self._roles = set(self.staff_roles.values_list("role", flat=True))
        return self._roles

    def roles_known(self, roles: set[str]) -> None:
        """The roles as a query that read this account already found them (no second read)."""
        self._roles = roles

    @property
    def is_staff(self) -> bool:
        return bool(self.roles)

    def has_role(self, role: Role) -> bool:
        return role in self.roles


class StaffRole(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "role"], name="unique_staff_role")]


class PasswordHistory(models.Model):
    """Earlier password hashes of an account, newest first; never a password in clear (PWD-1, PWD-3)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["account", "-created_at"], name="password_history_recent")]


class SecurityCase(models.Model):
    """Something the security officer must look at, such as a member saying "this was not me" (PRIV-13)."""

    class Reason(models.TextChoices):
        NOT_ME = "not_me", "The member said a change was not theirs"
        COMPROMISED = "compromised", "The member said the account may be compromised"
        STAFF_FREEZE = "staff_freeze", "A security officer froze the account"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="security_cases")
    reason = models.CharField(max_length=32, choices=Reason.choices)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)


class FlowKind(models.TextChoices):
    BROWSER = "browser", "Browser"
    API = "api", "App (API)"


class RegistrationState(models.TextChoices):
    IDENTIFIED = "identified", "Step 1 passed: waiting for the details"
    VERIFYING = "verifying", "Details accepted: waiting for the codes sent to new contacts"
    READY = "ready", "Contacts proven: waiting for the password"
    LINKING = "linking", "The document has an account: waiting for its password and second step"
    COMPLETED = "completed", "Account created, or membership linked to an account"


class RegistrationFlow(models.Model):
    """One member's way through the three registration steps (REG-1..6), for a browser or the app.

    The details the member typed (contacts, address, document) wait here, encrypted, until the
    password step turns them into an account in one transaction; nothing else is written before.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=8, choices=FlowKind.choices)
    state = models.CharField(max_length=16, choices=RegistrationState.choices, default=RegistrationState.IDENTIFIED)
    membership = models.ForeignKey("enrollment.Membership", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    details = EncryptedTextField(null=True, blank=True, help_text="JSON: the member's changes and document")
    document_attempts = models.PositiveSmallIntegerField(default=0)
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="registration_flow_expiry")]


class CodeChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class VerificationCode(models.Model):
    """The one live code of a flow on one channel; a resend replaces it (REG-4, LOGIN-3).

    Only a keyed hash of the code is stored. Tries are counted on the row with a conditional
    update, and a code is used with one, so parallel guesses and parallel uses cannot both win.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    flow_id = models.UUIDField()
    channel = models.CharField(max_length=8, choices=CodeChannel.choices)
    destination = EncryptedTextField(help_text="where the code went: the address or number being proven")
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    sends = models.PositiveSmallIntegerField(default=1)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["flow_id", "channel"], name="one_code_per_flow_channel")]


class SessionKind(models.TextChoices):
    BROWSER = "browser", "Browser"
    APP = "app", "App"


class SessionRecord(models.Model):
    """The one registry of a member's sessions, browser and app alike (LOGIN-5).

    App sessions carry SHA-256 hashes of their random tokens: the access token is short-lived, the
    refresh token rotates. Browser sessions point at Django's session by a hash of its key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=8, choices=SessionKind.choices)
    access_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    device = models.CharField(max_length=200, blank=True, help_text="the browser or app, from its user agent")
    network = models.CharField(max_length=64, blank=True, help_text="the address's network, not the address")
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    expires_at = models.DateTimeField(help_text="absolute end, whatever the activity")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=32, blank=True)
    # The last time this session proved the second step again (step-up for sensitive actions, LOGIN-9).
    reauthenticated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "ended_at"], name="session_account_open")]


class RetiredRefreshToken(models.Model):
    """A refresh token already exchanged: presenting it again means it was stolen, so the session ends."""

    token_hash = models.CharField(max_length=64, primary_key=True)
    session = models.ForeignKey(SessionRecord, on_delete=models.CASCADE, related_name="retired_refresh_tokens")
    retired_at = models.DateTimeField()


class LoginPurpose(models.TextChoices):
    SIGN_IN = "sign_in", "Sign-in"
    STEP_UP = "step_up", "Step-up for a sensitive action"
    CONTACT = "contact", "Proving a new email or mobile from the account settings"


class LoginState(models.TextChoices):
    CHOOSE = "choose", "Password accepted: waiting for the choice of channel"
    CODE_SENT = "code_sent", "A code (and, by email, a link) was sent"
    COMPLETED = "completed", "Second step done"


class LoginFlow(models.Model):
    """The second step of a sign-in or of a step-up (LOGIN-2..4, LOGIN-9), for a browser or the app.

    Exists only once the password was right. The email's one-time link works only in the browser
    that started the flow: that browser holds a random binding whose hash is stored here.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=8, choices=FlowKind.choices)
    purpose = models.CharField(max_length=8, choices=LoginPurpose.choices, default=LoginPurpose.SIGN_IN)
    state = models.CharField(max_length=16, choices=LoginState.choices, default=LoginState.CHOOSE)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="login_flows")
    session = models.ForeignKey(
        SessionRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="+", help_text="step-up only"
    )
    channel = models.CharField(max_length=8, choices=CodeChannel.choices, blank=True)
    browser_binding_hash = models.CharField(max_length=64, blank=True)
    link_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    # Not stored: the account's contacts as read when the flow was made, for the same request's answer.
    contacts: Any = None


class RecoveryToken(models.Model):
    """A password-recovery link (REC-2): a keyed hash of its random token, 24 hours, one use,
    superseded by a newer link or a password change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="recovery_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)


class TrustedDevice(models.Model):
    """ "Don't ask for a code on this device for 30 days" (LOGIN-6): a revocable, signed device cookie."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="trusted_devices")
    token_hash = models.CharField(max_length=64, unique=True)
    device = models.CharField(max_length=200, blank=True)
    network = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)


class KnownDevice(models.Model):
    """A device that has signed in to an account before; a sign-in from any other emails the member (LOGIN-6)."""

    id = models.BigAutoField(primary_key=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="known_devices")
    device_hash = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "device_hash"], name="unique_known_device")]


datamap.declare(
    Account,
    id=Personal(ONLINE_IDENTIFIER, GENERATED, [ACCOUNT, SECURITY]),
    username=Personal(NATIONAL_ID, MEMBER, [ACCOUNT, SECURITY], note="encrypted"),
    username_index=Personal(NATIONAL_ID, GENERATED, [ACCOUNT, SECURITY], note="keyed hash of the username"),
    password=Personal(CREDENTIAL, MEMBER, [SECURITY], note="argon2id hash"),
    last_login=Personal(ACTIVITY, GENERATED, [SECURITY]),
    language=Personal(PREFERENCE, MEMBER, [ACCOUNT]),
    is_active=Personal(ACTIVITY, GENERATED, [SECURITY]),
    created_at=Personal(ACTIVITY, GENERATED, [ACCOUNT]),
    contact_hold_until=Personal(ACTIVITY, GENERATED, [SECURITY]),
    frozen_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    password_changed_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    sms_second_step_required=Personal(ACTIVITY, GENERATED, [SECURITY]),
    recovery_hold_until=Personal(ACTIVITY, GENERATED, [SECURITY]),
    recovery_hold_index=Personal(CONTACT, GENERATED, [SECURITY], note="keyed hash of an email"),
)
datamap.declare(
    RetiredRefreshToken,
    token_hash=Personal(CREDENTIAL, GENERATED, [SECURITY], note="SHA-256 of a spent refresh token"),
    session=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    retired_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
)
datamap.declare(
    LoginFlow,
    id=NotPersonal("random flow id"),
    kind=NotPersonal("browser or app"),
    purpose=NotPersonal("sign-in or step-up"),
    state=NotPersonal("step reached"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    session=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    channel=Personal(ACTIVITY, MEMBER, [SECURITY]),
    browser_binding_hash=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY], note="hash of a random browser value"),
    link_token_hash=Personal(CREDENTIAL, GENERATED, [SECURITY], note="keyed hash of a one-time link"),
    created_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    expires_at=NotPersonal("end of the flow's lifetime"),
)
datamap.declare(
    RecoveryToken,
    id=NotPersonal("random id"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    token_hash=Personal(CREDENTIAL, GENERATED, [SECURITY], note="keyed hash of a one-time link"),
    created_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    expires_at=NotPersonal("end of the link's lifetime"),
    used_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    superseded_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
)
datamap.declare(
    TrustedDevice,
    id=NotPersonal("random id"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    token_hash=Personal(CREDENTIAL, GENERATED, [SECURITY], note="SHA-256 of the device cookie's token"),
    device=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY], note="user agent, cut to 200 characters"),
    network=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY], note="address network (/24 or /48)"),
    created_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    last_used_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    expires_at=NotPersonal("end of the trust"),
    revoked_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
)
datamap.declare(
    KnownDevice,
    id=NotPersonal("row number"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    device_hash=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY], note="keyed hash of the device cookie"),
    first_seen_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    last_seen_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
)
datamap.declare(
    SecurityCase,
    id=NotPersonal("random id"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    reason=Personal(ACTIVITY, GENERATED, [SECURITY]),
    opened_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    closed_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
)
datamap.declare(
    PasswordHistory,
    id=NotPersonal("row number"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    password=Personal(CREDENTIAL, MEMBER, [SECURITY], note="argon2id hash of an earlier password"),
    created_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
)
datamap.declare(
    RegistrationFlow,
    id=NotPersonal("random flow id"),
    kind=NotPersonal("browser or app"),
    state=NotPersonal("step reached"),
    membership=Personal(INSURANCE, INSURER, [ACCOUNT], note="the enrollment record matched at step 1"),
    language=Personal(PREFERENCE, MEMBER, [ACCOUNT]),
    details=Personal(CONTACT, MEMBER, [ACCOUNT], note="encrypted JSON: contacts, address, document; lives 30 min"),
    document_attempts=Personal(ACTIVITY, GENERATED, [SECURITY]),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [ACCOUNT]),
    created_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    expires_at=NotPersonal("end of the flow's lifetime"),
)
datamap.declare(
    VerificationCode,
    id=NotPersonal("random id"),
    flow_id=NotPersonal("random flow id"),
    channel=NotPersonal("email or sms"),
    destination=Personal(CONTACT, MEMBER, [SECURITY], note="encrypted"),
    code_hash=Personal(CREDENTIAL, GENERATED, [SECURITY], note="keyed hash of a one-time code"),
    attempts=Personal(ACTIVITY, GENERATED, [SECURITY]),
    sends=Personal(ACTIVITY, GENERATED, [SECURITY]),
    sent_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    expires_at=NotPersonal("end of the code's lifetime"),
    used_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
)
datamap.declare(
    SessionRecord,
    id=NotPersonal("random session id"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    kind=NotPersonal("browser or app"),
    access_token_hash=Personal(CREDENTIAL, GENERATED, [SECURITY], note="SHA-256 of a random token"),
    access_expires_at=NotPersonal("end of the access token's lifetime"),
    refresh_token_hash=Personal(CREDENTIAL, GENERATED, [SECURITY], note="SHA-256 of a random token"),
    device=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY], note="user agent, cut to 200 characters"),
    network=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY], note="address network (/24 or /48)"),
    created_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    last_seen_at=Personal(ACTIVITY, GENERATED, [SECURITY], note="written at most once a minute"),
    expires_at=NotPersonal("absolute end of the session"),
    ended_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
    end_reason=Personal(ACTIVITY, GENERATED, [SECURITY]),
    reauthenticated_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
)
datamap.declare(
    StaffRole,
    id=NotPersonal("row number"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    role=Personal(ACTIVITY, GENERATED, [SECURITY], note="employee's role"),
    granted_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
)

# Whose rows they are (the privacy app's holdings and exports walk these), and the fields that differ
# from the map's table: the account's security state lives as long as the account.
datamap.subject(Account, "person")
datamap.retain(
    Account, datamap.WITH_THE_ACCOUNT, "last_login", "is_active", "contact_hold_until", "frozen_at",
    "password_changed_at", "sms_second_step_required", "recovery_hold_until",
)  # fmt: skip
datamap.retain(StaffRole, datamap.WITH_THE_ACCOUNT)  # an employee's role lasts as long as their account
for _model in (LoginFlow, RecoveryToken, TrustedDevice, KnownDevice, SecurityCase, PasswordHistory, SessionRecord,
               StaffRole):  # fmt: skip
    datamap.subject(_model, "account__person")
datamap.subject(RetiredRefreshToken, "session__account__person")
datamap.subject(RegistrationFlow, "membership__person", "account__person")
datamap.subject(VerificationCode, datamap.Refers("flow_id", "identity.LoginFlow", "identity.RegistrationFlow"))
