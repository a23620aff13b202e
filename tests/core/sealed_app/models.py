import uuid

from django.db import models

from memberarea.core import datamap
from memberarea.core.datamap import CONTACT, DATE_OF_BIRTH, MEMBER, SERVICE, NotPersonal, Personal
from memberarea.core.fields import EncryptedDateField, EncryptedTextField


class SealedSample(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    note = EncryptedTextField(null=True)
    born = EncryptedDateField(null=True)


datamap.declare(
    SealedSample,
    id=NotPersonal("test row id"),
    note=Personal(CONTACT, MEMBER, [SERVICE], note="test data, encrypted"),
    born=Personal(DATE_OF_BIRTH, MEMBER, [SERVICE], note="test data, encrypted"),
)
datamap.subject_unlinked(SealedSample, "test rows of the encrypted-field tests, about nobody")
