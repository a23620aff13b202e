"""One account model for members and staff (decided in architecture.md)."""

import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from memberarea.core import datamap
from memberarea.core.datamap import (
    ACCOUNT,
    ACTIVITY,
    CREDENTIAL,
    GENERATED,
    MEMBER,
    NATIONAL_ID,
    ONLINE_IDENTIFIER,
    PREFERENCE,
    SECURITY,
    NotPersonal,
    Personal,
)  # fmt: skip
from memberarea.core.fields import EncryptedTextField

from .usernames import username_index


class Role(models.TextChoices):
    """Staff roles of the BO-1 table; an account with none is a member."""

    AGENT = "agent", _("Customer-service agent")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    SECURITY_OFFICER = "security_officer", _("Security officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class AccountManager(BaseUserManager):
    def get_by_natural_key(self, username: str) -> "Account":
        return self.get(username_index=username_index(username))


class Account(AbstractBaseUser):
    """Username = the normalised identity document, encrypted; found by its blind index."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = EncryptedTextField()
    username_index = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    objects = AccountManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return f"account {self.pk}"

    def set_username(self, value: str) -> None:
        from .usernames import normalise_username

        self.username = normalise_username(value)
        self.username_index = username_index(value)

    @property
    def roles(self) -> set[str]:
        if not hasattr(self, "_roles"):
            self._roles = set(self.staff_roles.values_list("role", flat=True))
        return self._roles

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
)
datamap.declare(
    StaffRole,
    id=NotPersonal("row number"),
    account=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    role=Personal(ACTIVITY, GENERATED, [SECURITY], note="employee's role"),
    granted_at=Personal(ACTIVITY, GENERATED, [SECURITY]),
)
