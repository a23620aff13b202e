"""The accounting of disclosures (PRIV-9, BO-4): every staff view of a member's record, and every
disclosure to another organisation, is in that member's list — with reason, role and time for staff —
on the privacy centre's page and in the API; a guardian sees the list of their minor."""

import datetime as dt
import importlib
import uuid

import pytest
from django.apps import apps
from django.test import Client

from memberarea.core import clock, datamap
from memberarea.identity.models import Role
from memberarea.members.access import STAFF_PURPOSES, access_member
from memberarea.members.models import StaffAccess
from memberarea.privacy.disclosures import disclosure_record
from memberarea.privacy.models import Disclosure, LegalBasis, RecipientKind
from tests.backoffice.conftest import client_for, make_staff, open_record
from tests.identity.signing_in import app_sign_in, signed_in_client
from tests.members.family import family_add, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-9"), pytest.mark.req("BO-4")]
AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # 10:30 in Madrid


@pytest.fixture
def holder():
    """Member 10 on POL-700 with an account, guardian of member 11 (a minor without one)."""
    return family_add("POL-700", 10, 1)


def api_list(account, member_id) -> tuple[int, dict]:
    token = app_sign_in(account).access_token
    response = Client().get(f"/api/v1/privacy/members/{member_id}/disclosures", HTTP_AUTHORIZATION=f"Bearer {token}")
    return response.status_code, response.json()


def test_every_staff_purpose_of_every_role_is_in_the_member_s_list_with_reason_role_and_time(holder, frozen_clock):
    granted = [(role, purpose) for role, purposes in STAFF_PURPOSES.items() for purpose in sorted(purposes)]
    for number, (role, purpose) in enumerate(granted):
        employee = make_staff(Role(role), username=f"STAFF-{number}")
        access_member(actor=employee, member_id=membership(10).pk, purpose=purpose,
                      reason="rights_request", ticket=f"T-{number}")  # fmt: skip
        frozen_clock.advance(minutes=1)

    status, body = api_list(holder, membership(10).pk)
    assert status == 200
    listed = [(entry["role"], entry["reason"], entry["reference"], entry["at"]) for entry in body["disclosures"]]
    expected = [
        (role, "rights_request", f"T-{number}", (AT + dt.timedelta(minutes=number)).isoformat().replace("+00:00", "Z"))
        for number, (role, _purpose) in enumerate(granted)
    ]
    assert sorted(listed, key=lambda item: item[2]) == sorted(expected, key=lambda item: item[2])
    assert {entry["recipient_kind"] for entry in body["disclosures"]} == {"staff"}
    assert {entry["legal_basis"] for entry in body["disclosures"]} == {"legal_obligation"}
    assert Disclosure.objects.count() == StaffAccess.objects.count() == len(granted)


def test_an_agent_opening_the_record_through_the_back_office_shows_on_the_member_s_page(holder, frozen_clock):
    agent = make_staff(Role.AGENT)
    assert open_record(client_for(agent), membership(10), ticket="CS-777").status_code == 302

    client, _session = signed_in_client(holder, language="en")
    assert client.get("/privacy/disclosures/")["Location"] == f"/privacy/disclosures/{membership(10).pk}/"
    page = client.get(f"/privacy/disclosures/{membership(10).pk}/").content.decode()
    assert "Customer-service agent" in page and "The member called or wrote to us" in page
    assert "CS-777" in page and "2 March 2026, 10:30" in page  # the insurer's time zone
    assert str(agent.username) not in page  # the role, never the employee

    holder.language = "es"
    holder.save(update_fields=["language"])
    spanish, _session = signed_in_client(holder, language="es")
    page = spanish.get(f"/privacy/disclosures/{membership(10).pk}/").content.decode()
    assert "Quién ha visto o recibido sus datos" in page and "02/03/2026 10:30" in page


def test_a_staff_view_of_a_minor_is_in_the_guardian_s_list_for_the_minor_only(holder, frozen_clock):
    officer = make_staff(Role.SECURITY_OFFICER)
    access_member(actor=officer, member_id=membership(11).pk, purpose="freeze", reason="security_case", ticket="SEC-9")

    _status, minor = api_list(holder, membership(11).pk)
    _status, own = api_list(holder, membership(10).pk)
    assert [(e["role"], e["reason"], e["purpose"], e["legal_basis"]) for e in minor["disclosures"]] == [
        ("security_officer", "security_case", datamap.SECURITY, "legitimate_interest")
    ]
    assert own["disclosures"] == []
    client, _session = signed_in_client(holder, language="en")
    page = client.get(f"/privacy/disclosures/{membership(11).pk}/").content.decode()
    assert "Security officer" in page and "A security case" in page


def test_another_member_s_list_is_not_found(holder):
    stranger = family_add("POL-701", 20, 0)
    client, _session = signed_in_client(stranger, language="en")
    for member_id in (membership(10).pk, membership(11).pk, uuid.uuid4()):
        assert client.get(f"/privacy/disclosures/{member_id}/").status_code == 404
        status, body = api_list(stranger, member_id)
        assert (status, body["error"]["code"]) == (404, "not_found")


def test_a_disclosure_to_a_partner_shows_its_recipient_purpose_categories_and_basis(holder, frozen_clock):
    disclosure_record(membership=membership(10), recipient="Socio Ejemplo", recipient_kind=RecipientKind.THIRD_PARTY,
                      purpose=datamap.MARKETING, categories=[datamap.NAME, datamap.CONTACT],
                      legal_basis=LegalBasis.CONSENT, for_direct_marketing=True, reference="export-1")  # fmt: skip
    _status, body = api_list(holder, membership(10).pk)
    (entry,) = body["disclosures"]
    assert (entry["recipient"], entry["categories"], entry["legal_basis"], entry["for_direct_marketing"]) == (
        "Socio Ejemplo", ["contact", "name"], "consent", True)  # fmt: skip


@pytest.mark.parametrize(
    "wrong",
    [
        {"categories": []},
        {"categories": ["shoe_size"]},
        {"purpose": "fun"},
        {"recipient_kind": RecipientKind.STAFF, "for_direct_marketing": True},
    ],
)
def test_a_disclosure_outside_the_data_map_is_refused(holder, wrong):
    fields = {"membership": membership(10), "recipient": "X", "recipient_kind": RecipientKind.THIRD_PARTY,
              "purpose": datamap.MARKETING, "categories": [datamap.NAME],
              "legal_basis": LegalBasis.CONSENT}  # fmt: skip
    with pytest.raises(ValueError):
        disclosure_record(**{**fields, **wrong})
    assert not Disclosure.objects.exists()


def test_staff_accesses_recorded_before_the_service_existed_become_disclosures(holder):
    agent = make_staff(Role.AGENT)
    with clock.frozen(AT):
        access = access_member(actor=agent, member_id=membership(10).pk, purpose="record",
                               reason="member_called", ticket="OLD-1").record  # fmt: skip
    Disclosure.objects.all().delete()  # as it was before the migration
    migration = importlib.import_module("memberarea.privacy.migrations.0008_disclosures_of_past_staff_accesses")
    migration.backfill(apps, None)
    migration.backfill(apps, None)  # running twice adds nothing

    (entry,) = Disclosure.objects.all()
    assert (entry.staff_access_id, entry.role, entry.reason, entry.reference, entry.at) == (
        access.pk, "agent", "member_called", "OLD-1", AT)  # fmt: skip
