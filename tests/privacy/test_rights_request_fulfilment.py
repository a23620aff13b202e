"""What a rights request sets going (PRIV-8): the access export for the asker with progress and a
single-use download, the correction forwarded to the core system, the erasure with what is kept told."""

import io
import json
import zipfile

import pytest
from django.test import Client

from memberarea.enrollment.models import Membership
from memberarea.identity.models import Role
from memberarea.notifications.models import IntegrationMessage, Message
from memberarea.privacy.erasure import erased
from memberarea.privacy.export_build import export_job_build
from memberarea.privacy.export_models import ExportJob, ExportKind
from memberarea.privacy.request_models import RequestKind, RequestState, RightsRequest
from memberarea.privacy.requests import workflow
from tests.backoffice.conftest import make_staff
from tests.identity.signing_in import app_sign_in, signed_in_client
from tests.members.family import family_add, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-8")]


@pytest.fixture
def holder(frozen_clock):
    return family_add("POL-700", 10, 1)


@pytest.fixture
def officer(db):
    return make_staff(Role.PRIVACY_OFFICER)


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
