"""The rights-request pages (PRIV-8): the member's list and forms (step-up first, guardian for the minor
only), and the privacy officer's queue with its chart and the actions on a request."""

import datetime as dt
import re
import uuid

import pytest

from memberarea.enrollment.models import Membership
from memberarea.identity.models import Role
from memberarea.privacy.request_models import RequestKind, RequestState, RightsRequest
from memberarea.privacy.requests import workflow
from tests.backoffice.conftest import client_for, make_staff, open_record
from tests.identity.signing_in import signed_in_client
from tests.members.family import family_add, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-8")]


def _new(number: int, kind: str) -> str:
    return f"/privacy/requests/{membership(number).pk}/new/{kind}/"


def test_the_member_asks_for_a_correction_and_sees_it_listed_with_its_deadline(holder):
    client, _session = signed_in_client(holder)
    assert client.get("/privacy/requests/")["Location"] == f"/privacy/requests/{membership(10).pk}/"
    form = client.get(_new(10, "correction")).content.decode()
    assert 'name="date_of_birth"' in form and "A privacy officer checks it" in form

    refused = client.post(_new(10, "correction"), {"date_of_birth": "tomorrow"})
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.content.decode()
    sent = client.post(_new(10, "correction"), {"date_of_birth": "1980-02-01"}, follow=True)
    page = sent.content.decode()
    assert "Your request has been sent" in page and "Correct your details" in page
    assert 'datetime="2026-04-02"' in page and 'value="25"' in page


def test_a_stale_session_is_sent_to_confirm_and_back(holder, frozen_clock):
    client, _session = signed_in_client(holder)
    frozen_clock.advance(minutes=11)
    response = client.get(_new(10, "access"))
    assert response.status_code == 302 and response["Location"] == f"/account/confirm/?next={_new(10, 'access')}"
    assert client.post(_new(10, "access")).status_code == 302 and not RightsRequest.objects.exists()


def test_a_guardian_reaches_the_minor_s_requests_only(holder):
    client, _session = signed_in_client(holder)
    page = client.get(f"/privacy/requests/{membership(11).pk}/").content.decode()
    assert "these requests cover" in page and "/new/objection/" not in page  # a minor has no marketing to stop
    client.post(_new(11, "erasure"))
    assert RightsRequest.objects.get().membership == membership(11)
    family_add("POL-800", 20, 0)
    for member_id in (membership(20).pk, uuid.uuid4()):
        assert client.get(f"/privacy/requests/{member_id}/").status_code == 404
        assert client.post(f"/privacy/requests/{member_id}/new/access/").status_code == 404


def test_the_dashboard_notice_about_exports_links_to_the_requests(holder):
    holder.contact_hold_until = dt.datetime(2026, 3, 9, tzinfo=dt.UTC)
    holder.save(update_fields=["contact_hold_until"])
    client, _session = signed_in_client(holder)
    page = client.get(f"/members/{membership(10).pk}/").content.decode()
    assert f'href="/privacy/requests/{membership(10).pk}/"' in page


def _ask(holder, number, kind, **extra):
    return workflow.request_make(
        actor=holder,
        session=signed_in_client(holder)[1],
        member_id=membership(number).pk,
        kind=kind,
        method="web_form",
        **extra,
    )


def test_the_queue_puts_overdue_first_filters_and_charts_by_due_week(holder, officer, frozen_clock):
    late = _ask(holder, 10, RequestKind.ACCESS)
    frozen_clock.advance(days=40)
    fresh = _ask(holder, 11, RequestKind.ERASURE)
    client = client_for(officer)

    page = client.get("/staff/privacy/requests/").content.decode()
    assert page.index(str(late.pk)) < page.index(str(fresh.pk))
    assert "Vencida hace 9 días" in page and "<svg" in page and "2 solicitudes abiertas" in page  # staff read Spanish
    assert re.search(r'<th scope="row"><time datetime="2026-03-30">', page)  # the week of the first due date
    assert "<strong>Acceso: copia de los datos</strong>" in page and "<strong>Supresión</strong>" in page
    assert "Una copia de sus datos" not in page  # the member's wording stays on the member's pages
    filtered = client.get("/staff/privacy/requests/?kind=erasure").content.decode()
    assert str(fresh.pk) in filtered and str(late.pk) not in filtered
    assert "Ninguna solicitud coincide" in client.get("/staff/privacy/requests/?state=done").content.decode()


def test_the_officer_works_a_correction_to_the_end(holder, officer):
    made = _ask(holder, 10, RequestKind.CORRECTION, correction={"last_name": "García Ruiz"})
    client = client_for(officer)
    assert "<h1>Rectificación</h1>" in client.get(f"/staff/privacy/requests/{made.pk}/").content.decode()
    assert "García Ruiz" in client.get(f"/staff/privacy/requests/{made.pk}/").content.decode()
    for action in ("confirm", "start"):
        assert client.post(f"/staff/privacy/requests/{made.pk}/{action}/").status_code == 302
    refused = client.post(f"/staff/privacy/requests/{made.pk}/extend/", {"extend_reason": ""})
    assert refused.status_code == 400 and 'id="error_extend_reason_1"' in refused.content.decode()
    client.post(f"/staff/privacy/requests/{made.pk}/extend/", {"extend_reason": "Checking with the insurer."})
    page = client.post(f"/staff/privacy/requests/{made.pk}/approve/", follow=True).content.decode()
    assert "Corrección aplicada" in page and "Checking with the insurer." in page
    assert RightsRequest.objects.get(pk=made.pk).state == RequestState.DONE
    assert Membership.objects.get(pk=membership(10).pk).last_name == "García Ruiz"


@pytest.mark.parametrize("role", [role for role in Role if role != Role.PRIVACY_OFFICER])
def test_only_privacy_officers_see_the_queue(holder, role):
    made = _ask(holder, 10, RequestKind.ACCESS)
    client = client_for(make_staff(role))
    assert client.get("/staff/privacy/requests/").status_code == 403
    assert client.post(f"/staff/privacy/requests/{made.pk}/confirm/").status_code == 403
    assert signed_in_client(holder)[0].get("/staff/privacy/requests/").status_code == 404


def test_a_restriction_shows_on_the_staff_record(holder, officer):
    _ask(holder, 10, RequestKind.RESTRICTION)
    client = client_for(officer)
    open_record(client, membership(10))  # the reason and ticket, then the record itself
    page = client.get(f"/staff/members/{membership(10).pk}/").content.decode()
    assert 'data-restricted="true"' in page


def test_the_officer_reads_when_the_member_passed_the_second_step_in_plain_spanish(holder, officer):
    """The date of the second step reads "Segundo paso el 01/03/2026 10:30": it said "a las 01/03/2026 …"."""
    made = _ask(holder, 10, RequestKind.ACCESS)
    page = client_for(officer).get(f"/staff/privacy/requests/{made.pk}/").content.decode()
    assert "Segundo paso el " in page and "Segundo paso a las" not in page
