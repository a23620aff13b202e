"""Consent receipts (PRIV-2): one JSON document per `ConsentRecord`, with exactly the fields of
product.md §8 — those of the Kantara Consent Receipt 1.1 and of ISO/IEC TS 27560's processing and
events. `docs/schemas/consent-receipt.schema.json` describes it; the tests validate every receipt
they make against it.

The principal is pseudonymous: a keyed hash of the account id (the blind-index key, its own
purpose), or the browser key of a visitor's cookie choice, which already is one. Texts are in the
language the consent was given in.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from memberarea.core.crypto import blind_index
from memberarea.core.datamap import ACTIVITY, ADDRESS, CONTACT, NAME, PREFERENCE
from memberarea.core.errors import NOT_FOUND, MemberAreaError
from memberarea.core.links import public_url, public_url_of
from memberarea.identity.models import Account

from .models import ConsentPurpose, ConsentRecord

RECEIPT_VERSION = "KI-CR-v1.1.0"  # the Kantara Consent Receipt specification the fields follow
PRINCIPAL_PURPOSE = "consent-principal"
LEGAL_BASIS = "consent"  # GDPR art. 6(1)(a): every purpose here rests on the member's consent alone


@dataclass(frozen=True)
class PurposeTerms:
    """What a purpose's consent covers, as its receipt states it."""

    data_categories: tuple[str, ...]
    shared: bool = False  # the data leaves the insurer (third parties named in the notice)


TERMS: dict[ConsentPurpose, PurposeTerms] = {
    ConsentPurpose.MARKETING_EMAIL: PurposeTerms((NAME, CONTACT, PREFERENCE)),
    ConsentPurpose.MARKETING_SMS: PurposeTerms((NAME, CONTACT, PREFERENCE)),
    ConsentPurpose.MARKETING_POST: PurposeTerms((NAME, ADDRESS, PREFERENCE)),
    ConsentPurpose.THIRD_PARTY_SHARING: PurposeTerms((NAME, CONTACT, ADDRESS, PREFERENCE), shared=True),
    ConsentPurpose.SURVEYS: PurposeTerms((NAME, CONTACT, PREFERENCE)),
    ConsentPurpose.ANALYTICS: PurposeTerms((ACTIVITY,)),
}


def principal_id(record: ConsentRecord) -> str:
    if record.account_id is not None:
        return blind_index(PRINCIPAL_PURPOSE, str(record.account_id))
    return record.browser_key


def consent_receipt(record: ConsentRecord) -> dict[str, Any]:
    """The receipt of one record, in the record's language."""
    notice = record.notice_version
    terms = TERMS[ConsentPurpose(record.purpose)]
    with translation.override(record.language):
        return {
            "version": RECEIPT_VERSION,
            "receipt_id": str(record.pk),
            "timestamp": record.at.isoformat().replace("+00:00", "Z"),
            "jurisdiction": settings.PRIVACY_JURISDICTION,
            "language": record.language,
            "collection_method": record.method,
            "principal_id": principal_id(record),
            "controller": {
                "name": settings.BRAND["legal_entity"],
                "address": settings.BRAND["address"],
                "contact": settings.BRAND["privacy_email"],
            },
            "notice": {
                "document": notice.kind,
                "version": notice.number,
                "url": public_url(f"/privacy/{notice.kind}/v{notice.number}/"),
            },
            "purposes": [
                {
                    "purpose": record.purpose,
                    "data_categories": list(terms.data_categories),
                    "legal_basis": LEGAL_BASIS,
                    "consent_type": "opt-in",
                    "state": "given" if record.given else "withdrawn",
                    "third_parties": [_("The marketing partners named in the privacy notice")] if terms.shared else [],
                    "retention": _(
                        "Used until you withdraw your consent. This record is kept as proof of your choice for as "
                        "long as your account exists."
                    ),
                }
            ],
            "withdrawal_method": _(
                "Switch it off in the privacy centre of the member area (%(url)s) or in the app, or write to %(email)s."
            )
            % {"url": public_url_of("privacy-preferences"), "email": settings.BRAND["privacy_email"]},
        }


def receipt_of(*, account: Account, receipt_id: uuid.UUID) -> dict[str, Any]:
    """The receipt of one of the account's records; NOT_FOUND for any other id."""
    record = ConsentRecord.objects.select_related("notice_version").filter(pk=receipt_id, account=account).first()
    if record is None:
        raise MemberAreaError(NOT_FOUND)
    return consent_receipt(record)
