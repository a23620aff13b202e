"""What the back office keeps of its own: the staff member's profile.

Staff have no membership, so the email for their sign-in codes (BO-1: "staff sign in with the same
two steps") lives here, encrypted like every other contact.
"""

import uuid

from django.conf import settings
from django.db import models

from memberarea.core import datamap
from memberarea.core.datamap import ACCOUNT, CONTACT, INSURER, NAME, ONLINE_IDENTIFIER, SECURITY, NotPersonal, Personal
from memberarea.core.fields import EncryptedTextField


class StaffProfile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    email = EncryptedTextField(help_text="where the employee's sign-in codes go")
    display_name = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"staff profile {self.pk}"


datamap.declare(
    StaffProfile,
    id=NotPersonal("random id"),
    account=Personal(ONLINE_IDENTIFIER, INSURER, [ACCOUNT, SECURITY], note="the employee's account"),
    email=Personal(CONTACT, INSURER, [ACCOUNT, SECURITY], note="the employee's work email"),
    display_name=Personal(NAME, INSURER, [ACCOUNT], note="the employee's name as colleagues see it"),
)
datamap.subject(StaffProfile, "account__person")
