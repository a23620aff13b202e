"""What a rights request sets going (PRIV-8): the access export for the asker with progress and a
single-use download, the correction forwarded to the core system, the erasure with what is kept told."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.test import Client
from django.utils import translation

from memberarea.core.errors import MemberAreaError
from memberarea.core.models import AuditEntry
from memberarea.enrollment.models import Membership
from memberarea.notifications.models import IntegrationMessage, Message
from memberarea.privacy.disclosures import disclosure_record
from memberarea.privacy.erasure import erased
from memberarea.privacy.export_build import export_job_build
from memberarea.privacy.export_models import ExportJob, ExportKind
from memberarea.privacy.models import Disclosure, LegalBasis, RecipientKind
from memberarea.privacy.request_models import RequestKind, RequestState, RightsRequest
from memberarea.privacy.requests import workflow
from tests.identity.signing_in import app_sign_in, signed_in_client
from tests.members.family import family_add, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-8")]


def _started(holder, officer, number: int, kind: RequestKind, **extra) -> RightsRequest:
    made = workflow.request_make(
        actor=holder,
        session=signed_in_client(holder)[1],
        member_id=membership(number).pk,
        kind=kind,
        method="web_form",
        **extra,
    )
    workflow.request_identity_confirm(officer=officer, request_id=made.pk)
    return workflow.request_start(officer=officer, request_id=made.pk)


def _completion_told(rights_request) -> Message:
    """The message about the request's completion (the clock is frozen: every message has one instant)."""
    messages = Message.objects.filter(subject_id=str(rights_request.pk), template="rights_request_step")
    (told,) = [message for message in messages if "Your request is complete" in message.body_text]
    return told


def test_an_access_request_exports_the_member_s_data_for_the_asker_with_progress_and_a_download(holder, officer):
    started = _started(holder, officer, 10, RequestKind.ACCESS)
    job = ExportJob.objects.get(pk=started.result_reference)
    assert (job.account, job.person, job.kind, job.reference) == (
        holder,
        membership(10).person,
        ExportKind.ACCESS,
        str(started.pk),
    )

    client = signed_in_client(holder)[0]
    listed = client.get(f"/privacy/requests/{membership(10).pk}/").content.decode()
    assert "being prepared: 0% done" in listed and "Download the result" not in listed
    download = f"/privacy/requests/{membership(10).pk}/{started.pk}/download/"
    assert client.get(download).status_code == 302  # not ready: back to the list with the reason

    assert export_job_build(job.pk) == "ready"
    assert "Download the result" in client.get(f"/privacy/requests/{membership(10).pk}/").content.decode()
    response = client.get(download)
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert "your-data.json" in names and "your-data.html" in names

    token = app_sign_in(holder).access_token
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(
        f"/api/v1/privacy/members/{membership(10).pk}/requests/{started.pk}/download"
    )
    assert api.status_code == 200 and b"".join(api.streaming_content)[:2] == b"PK"
    workflow.request_complete(officer=officer, request_id=started.pk)


def test_the_export_is_written_in_the_member_s_language_whatever_the_officer_s(holder, officer):
    """The officer who starts the work browses in English; the member asked in Spanish and reads Spanish."""
    holder.language = "es"
    holder.save(update_fields=["language"])
    with translation.override("en"):
        started = _started(holder, officer, 10, RequestKind.ACCESS)
    job = ExportJob.objects.get(pk=started.result_reference)
    assert (started.language, job.language) == ("es", "es")
    export_job_build(job.pk)
    response = signed_in_client(holder)[0].get(f"/privacy/requests/{membership(10).pk}/{started.pk}/download/")
    page = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("your-data.html").decode()
    assert '<html lang="es">' in page and "The personal data we hold about you" not in page


def test_another_account_cannot_download_the_result(holder, officer):
    started = _started(holder, officer, 10, RequestKind.PORTABILITY)
    export_job_build(ExportJob.objects.get(pk=started.result_reference).pk)
    stranger = family_add("POL-800", 20, 0)
    client = signed_in_client(stranger)[0]
    assert client.get(f"/privacy/requests/{membership(10).pk}/{started.pk}/download/").status_code == 404
    assert client.get(f"/privacy/requests/{membership(20).pk}/{started.pk}/download/").status_code == 404


def test_an_approved_correction_is_forwarded_to_the_core_system_once(holder, officer):
    started = _started(holder, officer, 10, RequestKind.CORRECTION, correction={"city": "Sevilla"})
    workflow.request_correction_approve(officer=officer, request_id=started.pk)
    (message,) = IntegrationMessage.objects.filter(topic="core.member_correction")
    assert message.reference == f"core.member_correction:{started.pk}"
    assert json.loads(message.payload) == {"member_numbers": ["M000010"], "changes": {"city": "Sevilla"}}


def test_a_guardian_s_erasure_of_the_minor_erases_the_minor_only_and_lists_what_is_kept(holder, officer):
    started = _started(holder, officer, 11, RequestKind.ERASURE)
    minor_person = membership(11).person
    done = workflow.request_complete(officer=officer, request_id=started.pk)

    assert done.state == RequestState.DONE and erased(minor_person)
    assert not erased(membership(10).person) and Membership.objects.filter(pk=membership(10).pk).exists()
    told = _completion_told(started)
    assert told.to == "persona10@example.invalid" and "What we must keep, why and for how long:" in told.body_text
    assert RightsRequest.objects.filter(pk=started.pk).exists()  # the record of the request itself is kept


def test_the_member_s_own_erasure_closes_the_account_and_still_tells_them_what_is_kept(holder, officer):
    started = _started(holder, officer, 10, RequestKind.ERASURE)
    workflow.request_complete(officer=officer, request_id=started.pk)
    holder.refresh_from_db()
    assert not holder.is_active
    told = _completion_told(started)
    assert told.to == "persona10@example.invalid" and "What we must keep" in told.body_text


def test_an_erasure_waits_until_the_person_s_other_requests_are_answered(holder, officer):
    copy_asked = _started(holder, officer, 10, RequestKind.ACCESS)
    erasing = _started(holder, officer, 10, RequestKind.ERASURE)
    minors_copy = _started(holder, officer, 11, RequestKind.ACCESS)  # about someone else: no obstacle
    person = membership(10).person

    with pytest.raises(MemberAreaError) as waiting:
        workflow.request_complete(officer=officer, request_id=erasing.pk)
    assert waiting.value.code == "request_others_open"
    assert not erased(person) and holder.is_active

    workflow.request_refuse(officer=officer, request_id=copy_asked.pk, reason="Erased at the member's wish.")
    assert workflow.request_complete(officer=officer, request_id=erasing.pk).state == RequestState.DONE
    assert erased(person)
    assert RightsRequest.objects.get(pk=minors_copy.pk).state == RequestState.IN_PROGRESS


@pytest.mark.req("PRIV-10")
def test_a_shine_the_light_request_is_answered_from_the_disclosures_of_the_year_before_receipt(holder, officer):
    person = membership(10).person
    in_year = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
    for at, recipient in ((in_year, "Partner A"), (dt.datetime(2026, 1, 5, tzinfo=dt.UTC), "Partner B")):
        disclosure_record(
            recipient=recipient,
            recipient_kind=RecipientKind.THIRD_PARTY,
            purpose="marketing",
            categories=["contact"],
            legal_basis=LegalBasis.CONSENT,
            person=person,
            at=at,
            for_direct_marketing=True,
        )
    started = _started(holder, officer, 10, RequestKind.SHINE_THE_LIGHT)
    done = workflow.request_complete(officer=officer, request_id=started.pk)

    assert (done.state, done.result_reference) == (RequestState.DONE, "2025")  # received in 2026
    entry = AuditEntry.objects.get(event="privacy.shine_the_light_answered")
    assert entry.data == {"year": 2025, "recipients": 1, "request_id": str(done.pk)}
    client = signed_in_client(holder)[0]
    listing = client.get(f"/privacy/requests/{membership(10).pk}/").content.decode()
    assert f"/privacy/shine-the-light/{membership(10).pk}/?year=2025" in listing
    answer = client.get(f"/privacy/shine-the-light/{membership(10).pk}/?year=2025").content.decode()
    assert "Partner A" in answer and "Partner B" not in answer


@pytest.mark.req("PRIV-9")
def test_what_goes_to_the_core_system_is_a_disclosure_the_member_can_see(holder, officer):
    started = _started(holder, officer, 10, RequestKind.CORRECTION, correction={"city": "Sevilla"})
    workflow.request_correction_approve(officer=officer, request_id=started.pk)
    erasing, minor = _started(holder, officer, 11, RequestKind.ERASURE), membership(11).person
    workflow.request_complete(officer=officer, request_id=erasing.pk)

    corrected = Disclosure.objects.get(person=membership(10).person, recipient_kind="insurer")
    assert (corrected.recipient_kind, corrected.legal_basis, corrected.categories) == (
        "insurer", "legal_obligation", ["address", "insurance"])  # fmt: skip
    assert corrected.reference == f"core.member_correction:{started.pk}"
    erased_entry = Disclosure.objects.get(person=minor, recipient_kind="insurer")
    assert (erased_entry.categories, erased_entry.reference) == (["insurance"], f"core.member_erasure:{erasing.pk}")
    page = signed_in_client(holder)[0].get(f"/privacy/disclosures/{membership(10).pk}/").content.decode()
    assert "policy administration system" in page
