"""Consent records the route tables need (the authorization matrix, the crawler)."""

from memberarea.enrollment.models import Membership
from memberarea.privacy.consent import consent_set
from memberarea.privacy.models import ConsentMethod, ConsentPurpose, ConsentRecord


def holder_receipt_id() -> str:
    """A receipt of member 1's account (the holder in every data set that has one), written once."""
    account = Membership.objects.select_related("person__account").get(member_number="M000001").person.account
    record = ConsentRecord.objects.filter(account=account).first()
    if record is None:
        changes = {ConsentPurpose.SURVEYS: True}
        (record,) = consent_set(account=account, changes=changes, method=ConsentMethod.WEB_FORM, language="es")
    return str(record.pk)
