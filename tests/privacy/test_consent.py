"""The one writer of consents (PRIV-2): a record per change, none without a change, all or nothing."""

import pytest

from memberarea.core.audit import AuditEntry
from memberarea.identity.services import account_create
from memberarea.privacy.consent import Actor, consent_set
from memberarea.privacy.models import (
    ActorKind,
    ConsentChoice,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    DocumentKind,
)
from memberarea.privacy.selectors import choices_current, version_in_force

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-2")]

EMAIL, SMS = ConsentPurpose.MARKETING_EMAIL, ConsentPurpose.MARKETING_SMS


@pytest.fixture
def account():
    return account_create(username="12345678Z", password="Lindero7Azul", language="es")


def test_a_change_writes_one_record_with_the_notice_in_force(account):
    (record,) = consent_set(account=account, changes={EMAIL: True}, method=ConsentMethod.WEB_FORM, language="es")

    assert (record.purpose, record.given, record.method, record.actor_kind) == (EMAIL, True, "web_form", "member")
    assert record.notice_version == version_in_force(DocumentKind.NOTICE)
    assert choices_current(account=account)[EMAIL].given is True
    assert AuditEntry.objects.filter(event="consent_changed", subject_id=str(account.pk)).count() == 1


def test_no_change_writes_nothing(account):
    assert consent_set(account=account, changes={EMAIL: False}, method=ConsentMethod.WEB_FORM, language="es") == []
    consent_set(account=account, changes={EMAIL: True}, method=ConsentMethod.WEB_FORM, language="es")
    again = consent_set(account=account, changes={EMAIL: True, SMS: False}, method=ConsentMethod.APP, language="es")

    assert again == []
    assert ConsentRecord.objects.filter(account=account).count() == 1


def test_a_form_records_only_the_switches_that_moved(account):
    consent_set(account=account, changes={EMAIL: True}, method=ConsentMethod.WEB_FORM, language="es")
    written = consent_set(
        account=account, changes={EMAIL: False, SMS: True}, method=ConsentMethod.WEB_FORM, language="en"
    )

    assert sorted((r.purpose, r.given) for r in written) == [(EMAIL, False), (SMS, True)]
    current = choices_current(account=account)
    assert (current[EMAIL].given, current[SMS].given, current[ConsentPurpose.SURVEYS]) == (False, True, None)


def test_records_are_immutable(account):
    (record,) = consent_set(account=account, changes={EMAIL: True}, method=ConsentMethod.WEB_FORM, language="es")
    record.given = False
    with pytest.raises(ValueError, match="immutable"):
        record.save()


def test_staff_acting_on_request_is_named(account):
    officer = account_create(username="87654321X", password="Lindero7Azul", language="es")
    (record,) = consent_set(
        account=account, changes={SMS: True}, method=ConsentMethod.STAFF, language="es",
        actor=Actor(ActorKind.STAFF, officer),
    )  # fmt: skip

    assert (record.actor_kind, record.actor) == ("staff", officer)
    assert ConsentChoice.objects.get(account=account, purpose=SMS).record == record
