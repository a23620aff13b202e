"""The rights-request workflow (PRIV-8): who may ask for whom, identity by step-up, each step audited and
told, deadlines per regime, corrections applied, restriction and objection in effect at once."""

import datetime as dt
import json
import uuid

import pytest

from memberarea.core.errors import MemberAreaError
from memberarea.core.models import AuditEntry
from memberarea.enrollment.models import Membership
from memberarea.identity.models import Role
from memberarea.notifications.delivery import message_deliver
from memberarea.notifications.models import Channel, IntegrationMessage, Message
from memberarea.privacy.audience import AudienceFilter, marketing_audience
from memberarea.privacy.consent import consent_set
from memberarea.privacy.models import ConsentChoice, ConsentMethod, ConsentPurpose, ProcessingRestriction
from memberarea.privacy.request_models import RequestKind, RequestState, RightsRequest, StepKind
from memberarea.privacy.requests import workflow
from tests.backoffice.conftest import make_staff
from tests.identity.signing_in import signed_in_client
from tests.members.family import family_add, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-8")]
WEB = ConsentMethod.WEB_FORM


def _session(account):
    return signed_in_client(account)[1]


def ask(account, number: int, kind: RequestKind, **extra) -> RightsRequest:
    return workflow.request_make(
        actor=account, session=_session(account), member_id=membership(number).pk, kind=kind, method=WEB, **extra
    )


def _told(rights_request) -> list[Message]:
    return list(
        Message.objects.filter(subject_id=str(rights_request.pk), template="rights_request_step").order_by("created_at")
    )


def _events(rights_request) -> list[str]:
    return list(
        AuditEntry.objects.filter(subject_id=str(rights_request.pk)).order_by("seq").values_list("event", flat=True)
    )


def test_a_request_is_received_with_its_gdpr_deadline_audited_and_told(holder, settings):
    settings.PRIVACY_REGIME = "gdpr"
    made = ask(holder, 10, RequestKind.ACCESS)

    assert (made.state, made.regime, made.received_on) == (RequestState.RECEIVED, "gdpr", dt.date(2026, 3, 2))
    assert made.due_on == dt.date(2026, 4, 2) and made.acknowledged_on == made.received_on
    assert [step.kind for step in made.steps.all()] == [StepKind.RECEIVED]
    assert _events(made) == ["privacy.request_received"]
    (message,) = _told(made)
    assert message.language == "en" and message.to == "persona10@example.invalid"
    assert "We have received your request: A copy of your data." in message.body_text
    assert "2 April 2026" in message.body_text and f"/privacy/requests/{membership(10).pk}/" in message.body_text


def test_a_guardian_asks_for_the_minor_only_and_another_member_is_not_found(holder):
    made = ask(holder, 11, RequestKind.ERASURE)
    assert made.membership == membership(11) and made.as_guardian and made.requested_by == holder

    stranger = family_add("POL-800", 20, 0)
    for member_id in (membership(20).pk, uuid.uuid4()):
        with pytest.raises(MemberAreaError) as refused:
            workflow.request_make(
                actor=holder, session=_session(holder), member_id=member_id, kind=RequestKind.ACCESS, method=WEB
            )
        assert refused.value.code == "not_found"
    with pytest.raises(MemberAreaError) as refused:
        ask(stranger, 11, RequestKind.ACCESS)
    assert refused.value.code == "not_found"


def test_a_stale_second_step_is_asked_again(holder, frozen_clock):
    session = _session(holder)
    frozen_clock.advance(minutes=11)
    with pytest.raises(MemberAreaError) as refused:
        workflow.request_make(
            actor=holder, session=session, member_id=membership(10).pk, kind=RequestKind.ACCESS, method=WEB
        )
    assert refused.value.code == "reauthentication_required"
    assert not RightsRequest.objects.exists()


def test_correction_review_applies_the_values_forwards_them_and_tells(holder, officer):
    made = ask(holder, 10, RequestKind.CORRECTION, correction={"first_name": "Lucía", "date_of_birth": "1980-02-01"})
    assert json.loads(RightsRequest.objects.get(pk=made.pk).correction) == {
        "first_name": "Lucía",
        "date_of_birth": "1980-02-01",
    }
    with pytest.raises(MemberAreaError) as early:
        workflow.request_correction_approve(officer=officer, request_id=made.pk)
    assert early.value.code == "request_step_not_allowed"

    workflow.request_identity_confirm(officer=officer, request_id=made.pk)
    workflow.request_start(officer=officer, request_id=made.pk)
    done = workflow.request_correction_approve(officer=officer, request_id=made.pk)

    corrected = Membership.objects.select_related("person").get(pk=membership(10).pk)
    assert corrected.first_name == "Lucía" and corrected.person.date_of_birth == dt.date(1980, 2, 1)
    assert done.state == RequestState.DONE and json.loads(done.correction_previous)["date_of_birth"] == "1980-01-01"
    assert IntegrationMessage.objects.filter(
        topic="core.member_correction", reference=f"core.member_correction:{made.pk}"
    ).exists()
    assert [message.body_text.count("corrected your details") for message in _told(made)][-1] == 1


def test_a_correction_needs_a_valid_value(holder):
    for values, field in (
        ({}, "__all__"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "0001-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1899-12-31"}, "date_of_birth"),
        ({"country": "Spain"}, "country"),
    ):
        with pytest.raises(MemberAreaError) as refused:
            ask(holder, 10, RequestKind.CORRECTION, correction=values)
        assert refused.value.code == "invalid" and field in refused.value.fields
    assert not RightsRequest.objects.exists()


def test_restriction_takes_the_member_out_of_a_campaign_audience_at_once(holder):
    consent_set(account=holder, changes={ConsentPurpose.MARKETING_EMAIL: True}, method=WEB, language="en")
    audience = AudienceFilter(channel=Channel.EMAIL)
    assert holder in {recipient.account for recipient in marketing_audience(audience)}

    made = ask(holder, 10, RequestKind.RESTRICTION)

    assert made.state == RequestState.DONE and ProcessingRestriction.objects.filter(account=holder).exists()
    assert holder not in {recipient.account for recipient in marketing_audience(audience)}


def test_objection_withdraws_every_marketing_consent_and_records_it(holder):
    consent_set(
        account=holder,
        changes={ConsentPurpose.MARKETING_EMAIL: True, ConsentPurpose.SURVEYS: True},
        method=WEB,
        language="en",
    )
    made = ask(holder, 10, RequestKind.OBJECTION)
    given = dict(ConsentChoice.objects.filter(account=holder).values_list("purpose", "given"))
    assert made.state == RequestState.DONE and given == {
        ConsentPurpose.MARKETING_EMAIL: False,
        ConsentPurpose.SURVEYS: True,
    }
    with pytest.raises(MemberAreaError) as minor:
        ask(holder, 11, RequestKind.OBJECTION)
    assert minor.value.code == "minor_has_no_choices"


def test_extensions_follow_the_regime_and_stop_at_its_limit(holder, officer, settings, frozen_clock):
    settings.PRIVACY_REGIME = "gdpr"
    made = ask(holder, 10, RequestKind.ERASURE)
    workflow.request_identity_confirm(officer=officer, request_id=made.pk)
    workflow.request_extend(officer=officer, request_id=made.pk, reason="Your records are spread over two systems.")
    frozen_clock.advance(minutes=1)  # the messages are told apart by when they were written
    extended = workflow.request_extend(officer=officer, request_id=made.pk, reason="The archive is being restored.")
    assert (extended.state, extended.due_on) == (RequestState.EXTENDED, dt.date(2026, 6, 2))
    with pytest.raises(MemberAreaError) as limit:
        workflow.request_extend(officer=officer, request_id=made.pk, reason="Once more.")
    assert limit.value.code == "request_extension_limit"
    assert "Our reason: The archive is being restored." in _told(made)[-1].body_text

    changed = workflow.request_regime_change(
        officer=officer, request_id=made.pk, regime="ccpa", reason="Resident in California."
    )
    assert (changed.extensions, changed.due_on, changed.acknowledge_by) == (
        1,
        dt.date(2026, 5, 31),
        dt.date(2026, 3, 16),
    )
    assert _events(made)[-1] == "privacy.request_regime_changed"


def test_the_member_is_told_in_their_language(holder, officer, smtp_server, frozen_clock):
    holder.language = "es"
    holder.save(update_fields=["language"])
    made = ask(holder, 10, RequestKind.ACCESS)
    frozen_clock.advance(minutes=1)  # the messages are told apart by when they were written
    workflow.request_refuse(officer=officer, request_id=made.pk, reason="Ya le enviamos una copia la semana pasada.")
    for message in _told(made):
        assert message_deliver(message.pk) == "sent"
    bodies = [received.message.get_body(("plain",)).get_content() for received in smtp_server.handler.received]
    assert "Hemos recibido su solicitud" in bodies[0]
    assert "Ya le enviamos una copia la semana pasada." in bodies[-1]


def test_only_a_privacy_officer_works_requests_and_a_closed_request_takes_no_step(holder, officer):
    made = ask(holder, 10, RequestKind.ACCESS)
    with pytest.raises(MemberAreaError) as forbidden:
        workflow.request_identity_confirm(officer=make_staff(Role.AGENT), request_id=made.pk)
    assert forbidden.value.code == "forbidden"
    with pytest.raises(MemberAreaError) as no_reason:
        workflow.request_refuse(officer=officer, request_id=made.pk, reason="  ")
    assert no_reason.value.code == "invalid"
    workflow.request_refuse(officer=officer, request_id=made.pk, reason="Duplicate of an earlier request.")
    with pytest.raises(MemberAreaError) as closed:
        workflow.request_identity_confirm(officer=officer, request_id=made.pk)
    assert closed.value.code == "request_step_not_allowed"


def test_members_of_ended_policies_keep_the_privacy_centre_for_the_configured_period(holder, settings):
    settings.PRIVACY_CENTRE_AFTER_END_DAYS = 30
    Membership.objects.filter(pk=membership(10).pk).update(end_date=dt.date(2026, 2, 1))
    assert ask(holder, 10, RequestKind.ACCESS).state == RequestState.RECEIVED
    Membership.objects.filter(pk=membership(10).pk).update(end_date=dt.date(2026, 1, 30))
    with pytest.raises(MemberAreaError) as closed:
        ask(holder, 10, RequestKind.ACCESS)
    assert closed.value.code == "privacy_centre_closed"
