"""Consent history and receipts (PRIV-2): the history lists every record newest first; each record's
receipt carries exactly the PRIV-2 fields and validates against the JSON Schema kept in the repo;
another account's receipt is not found."""

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from memberarea.core.datamap import CATEGORIES
from memberarea.identity.models import Role
from memberarea.privacy.consent import Actor, consent_set
from memberarea.privacy.models import ActorKind, ConsentMethod, ConsentPurpose, ConsentRecord
from memberarea.privacy.receipts import consent_receipt
from tests.backoffice.conftest import make_staff
from tests.identity.signing_in import other_member, signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-2")]

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs/schemas/consent-receipt.schema.json").read_text())
FIELDS = {
    "version", "receipt_id", "timestamp", "jurisdiction", "language", "collection_method", "principal_id",
    "controller", "notice", "purposes", "withdrawal_method",
}  # fmt: skip
PURPOSE_FIELDS = {"purpose", "data_categories", "legal_basis", "consent_type", "state", "third_parties", "retention"}


def valid(receipt: dict) -> dict:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(receipt)
    return receipt


def every_kind_of_record(account) -> list[ConsentRecord]:
    """A record of each purpose and each method, given and withdrawn, in both languages."""
    officer = make_staff(Role.PRIVACY_OFFICER)
    methods = list(ConsentMethod)
    records = []
    for index, purpose in enumerate(ConsentPurpose):
        method = methods[index % len(methods)]
        actor = Actor(ActorKind.STAFF, officer) if method == ConsentMethod.STAFF else Actor(ActorKind.MEMBER)
        for given in (True, False):
            records += consent_set(
                account=account, changes={purpose: given}, method=method, language=("es", "en")[index % 2], actor=actor
            )
    return records


def test_the_schema_is_itself_valid_and_names_exactly_the_fields():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert set(SCHEMA["required"]) == set(SCHEMA["properties"]) == FIELDS
    assert set(SCHEMA["properties"]["purposes"]["items"]["required"]) == PURPOSE_FIELDS


def test_every_receipt_carries_every_field_and_validates(member_account, settings):
    settings.PRIVACY_JURISDICTION = "PT"
    for record in every_kind_of_record(member_account):
        receipt = valid(consent_receipt(record))
        (purpose,) = receipt["purposes"]
        assert set(receipt) == FIELDS and set(purpose) == PURPOSE_FIELDS
        assert receipt["receipt_id"] == str(record.pk)
        assert (receipt["collection_method"], receipt["language"], receipt["jurisdiction"]) == (
            record.method, record.language, "PT"
        )  # fmt: skip
        assert (purpose["purpose"], purpose["state"]) == (record.purpose, "given" if record.given else "withdrawn")
        assert set(purpose["data_categories"]) <= CATEGORIES
        assert bool(purpose["third_parties"]) == (record.purpose == ConsentPurpose.THIRD_PARTY_SHARING)
        assert receipt["notice"] == {
            "document": "notice",
            "version": record.notice_version.number,
            "url": f"http://127.0.0.1:8000/privacy/notice/v{record.notice_version.number}/",
        }
        assert receipt["controller"] == {
            "name": settings.BRAND["legal_entity"],
            "address": settings.BRAND["address"],
            "contact": settings.BRAND["privacy_email"],
        }
        assert dt.datetime.fromisoformat(receipt["timestamp"]) == record.at


def test_the_principal_is_pseudonymous_and_stable(member_account):
    first, second = every_kind_of_record(member_account)[:2]
    other = consent_set(
        account=other_member(), changes={ConsentPurpose.SURVEYS: True}, method=ConsentMethod.APP, language="es"
    )[0]

    principal = consent_receipt(first)["principal_id"]
    assert principal == consent_receipt(second)["principal_id"] != consent_receipt(other)["principal_id"]
    assert str(member_account.pk) not in json.dumps(consent_receipt(first))
    assert member_account.username not in json.dumps(consent_receipt(first))


def test_texts_follow_the_language_of_the_consent(member_account):
    (spanish,) = consent_set(
        account=member_account, changes={ConsentPurpose.SURVEYS: True}, method=ConsentMethod.WEB_FORM, language="es"
    )
    (english,) = consent_set(
        account=member_account, changes={ConsentPurpose.SURVEYS: False}, method=ConsentMethod.WEB_FORM, language="en"
    )

    assert "privacidad" in consent_receipt(spanish)["withdrawal_method"]
    assert "Switch it off" in consent_receipt(english)["withdrawal_method"]


def test_the_history_lists_every_record_newest_first_with_its_receipt(holder_client, member_account, frozen_clock):
    consent_set(
        account=member_account, changes={ConsentPurpose.MARKETING_EMAIL: True}, method=ConsentMethod.APP, language="es"
    )
    frozen_clock.advance(days=3)
    holder_client.post("/privacy/preferences/", {"marketing_sms": "1"})
    records = list(ConsentRecord.objects.filter(account=member_account).order_by("-at", "purpose"))

    html = holder_client.get("/privacy/consents/").content.decode()

    positions = [html.index(f"/privacy/consents/{record.pk}/receipt.json") for record in records]
    assert len(records) == 3 and positions == sorted(
        positions
    )  # email withdrawn and SMS given (one save), then email given
    assert "Offers and news by SMS: given" in html and "Offers and news by email: withdrawn" in html
    assert "Mobile app" in html and "Web form" in html and "The member" in html
    assert html.count("/privacy/notice/v1/") == 3


def test_the_receipt_downloads_as_json(holder_client, member_account):
    holder_client.post("/privacy/preferences/", {"surveys": "1"})
    (record,) = ConsentRecord.objects.filter(account=member_account)

    response = holder_client.get(f"/privacy/consents/{record.pk}/receipt.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="consent-receipt-{record.pk}.json"'
    assert valid(json.loads(response.content))["receipt_id"] == str(record.pk)


@pytest.mark.req("GUARD-3")
def test_another_accounts_receipt_is_not_found(member_account):
    (record,) = consent_set(
        account=member_account, changes={ConsentPurpose.SURVEYS: True}, method=ConsentMethod.APP, language="es"
    )
    stranger, _ = signed_in_client(other_member())

    assert stranger.get(f"/privacy/consents/{record.pk}/receipt.json").status_code == 404
    assert str(record.pk) not in stranger.get("/privacy/consents/").content.decode()
