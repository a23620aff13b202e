"""The partner export (PRIV-9, PRIV-3, PRIV-5, PRIV-12): a privacy officer exports, for a configured
partner, the adults who opted in to sharing for the partners' own marketing — never a minor, a
restricted, GPC-opted-out or suppressed member; the file is encrypted and expires; each member in it
gets exactly one disclosure entry for the partner's direct marketing."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memberarea.core.errors import MemberAreaError
from memberarea.core.models import AuditEntry, StoredFile
from memberarea.identity.models import Role
from memberarea.privacy.consent import consent_set
from memberarea.privacy.erasure import erase_person
from memberarea.privacy.models import ConsentMethod, ConsentPurpose, Disclosure, PartnerExport, PartnerExportState
from memberarea.privacy.partner_exports import partner_export_file, partner_export_start
from memberarea.privacy.partners import partner_export_build, partner_export_population
from tests.backoffice.conftest import client_for, make_staff
from tests.members.family import membership
from tests.privacy.campaigning import run_campaign_tasks as run_privacy_tasks
from tests.privacy.population import (
    ADULT,
    ADULT_BIRTHDAYS,
    CHILD,
    COMES_OF_AGE_TODAY,
    MINOR_UNTIL_TOMORROW,
    Traits,
    member_add,
    policies_import,
)

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-9")]
PARTNER = {"id": "socio-demo", "name": "Socio de Prueba", "purpose": "Offers", "country": "ES"}


@pytest.fixture(autouse=True)
def one_partner(settings):
    settings.PRIVACY_PARTNERS = [PARTNER]


def sharer_add(number: int, traits: Traits, *, shares: bool) -> None:
    """Member `number` with `traits`; then, if `shares`, an explicit opt-in to sharing with partners
    (after any GPC signal of the traits: it applies to the account, and GPC still rules analytics)."""
    member_add(number, traits)
    if shares:
        account = membership(number).person.account
        consent_set(account=account, changes={ConsentPurpose.THIRD_PARTY_SHARING: True},
                    method=ConsentMethod.WEB_FORM, language=traits.language)  # fmt: skip


def exported(traits: Traits, shares: bool) -> bool:
    return traits.born in ADULT_BIRTHDAYS and shares and not (traits.gpc or traits.restricted or traits.suppressed)


people = st.tuples(
    st.builds(
        Traits,
        born=st.sampled_from([ADULT, COMES_OF_AGE_TODAY, MINOR_UNTIL_TOMORROW, CHILD]),
        email_consent=st.booleans(),
        gpc=st.booleans(),
        restricted=st.booleans(),
        suppressed=st.booleans(),
        email=st.booleans(),
    ),
    st.booleans(),
)


@pytest.mark.req("PRIV-12")
@pytest.mark.req("PRIV-5")
@pytest.mark.req("PRIV-3")
@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(population=st.lists(people, min_size=1, max_size=5))
def test_the_export_holds_exactly_the_sharing_adults_never_minors_restricted_gpc_or_suppressed(
    frozen_clock, population
):
    with transaction.atomic():
        policies_import()
        for number, (traits, shares) in enumerate(population, start=1):
            sharer_add(number, traits, shares=shares)
        expected = {f"M{n:06d}" for n, (traits, shares) in enumerate(population, start=1) if exported(traits, shares)}
        assert {membership.member_number for membership in partner_export_population()} == expected
        transaction.set_rollback(True)


@pytest.fixture
def population(frozen_clock):
    """Member 1 shares, member 2 does not, member 3 is a minor who shares, member 4 shares but is suppressed."""
    policies_import()
    sharer_add(1, Traits(), shares=True)
    sharer_add(2, Traits(), shares=False)
    sharer_add(3, Traits(born=CHILD), shares=True)
    sharer_add(4, Traits(suppressed=True), shares=True)


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_the_officer_s_export_is_an_encrypted_expiring_file_with_one_disclosure_per_member(
    population, frozen_clock, django_capture_on_commit_callbacks, settings
):
    officer = make_staff(Role.PRIVACY_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        export = partner_export_start(actor=officer, partner_id="socio-demo")
    assert run_privacy_tasks() == 1
    assert run_privacy_tasks() == 0
    export.refresh_from_db()
    assert (export.state, export.members) == (PartnerExportState.READY, 1)

    _export, handle = partner_export_file(actor=officer, export_id=export.pk)
    (row,) = rows_of(handle.read())
    assert (row["first_name"], row["last_name"], row["email"], row["language"]) == (
        "Nombre", "Apellido 1", "persona1@example.invalid", "es")  # fmt: skip
    with open(default_storage.path(export.file.name), "rb") as raw:
        assert b"persona1@example.invalid" not in raw.read()  # encrypted at rest

    (entry,) = Disclosure.objects.all()
    assert (entry.person_id, entry.recipient, entry.recipient_kind, entry.for_direct_marketing) == (
        membership(1).person_id, "Socio de Prueba", "third_party", True)  # fmt: skip
    assert (entry.categories, entry.legal_basis, entry.reference) == (
        ["contact", "name", "preference"], "consent", str(export.pk))  # fmt: skip
    assert AuditEntry.objects.filter(event="privacy.partner_export_downloaded").count() == 1

    frozen_clock.advance(hours=settings.PRIVACY_PARTNER_EXPORT_HOURS)
    with pytest.raises(MemberAreaError) as refused:
        partner_export_file(actor=officer, export_id=export.pk)
    assert refused.value.code == "partner_export_not_ready"
    assert StoredFile.objects.get().expires_at == export.requested_at + dt.timedelta(hours=72)


def test_building_twice_exports_and_accounts_once(population):
    """The task's body run again, as a retry after a lost worker would."""
    officer = make_staff(Role.PRIVACY_OFFICER)
    export = partner_export_start(actor=officer, partner_id="socio-demo")
    assert partner_export_build(export_id=export.pk) == "exported: 1"
    assert partner_export_build(export_id=export.pk) == "nothing to build"
    assert Disclosure.objects.count() == 1 and StoredFile.objects.count() == 1


def test_only_a_privacy_officer_exports_and_only_to_a_configured_partner(population):
    for role in (Role.AGENT, Role.MARKETING, Role.SECURITY_OFFICER, Role.ADMINISTRATOR):
        with pytest.raises(MemberAreaError) as refused:
            partner_export_start(actor=make_staff(role), partner_id="socio-demo")
        assert refused.value.code == "forbidden"
    with pytest.raises(MemberAreaError) as unknown:
        partner_export_start(actor=make_staff(Role.PRIVACY_OFFICER), partner_id="someone-else")
    assert (unknown.value.code, list(unknown.value.fields)) == ("invalid", ["partner"])
    assert not PartnerExport.objects.exists()


def test_the_pages_start_an_export_and_download_its_file(population, django_capture_on_commit_callbacks):
    officer_client = client_for(make_staff(Role.PRIVACY_OFFICER))
    page = officer_client.get("/staff/privacy/partner-exports/").content.decode()
    assert "Socio de Prueba" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert officer_client.post("/staff/privacy/partner-exports/", {"partner": "socio-demo"}).status_code == 302
    run_privacy_tasks()
    export = PartnerExport.objects.get()
    page = officer_client.get("/staff/privacy/partner-exports/").content.decode()
    assert f"/staff/privacy/partner-exports/{export.pk}/file.csv" in page
    download = officer_client.get(f"/staff/privacy/partner-exports/{export.pk}/file.csv")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert [row["first_name"] for row in rows_of(b"".join(download.streaming_content))] == ["Nombre"]

    invalid = officer_client.post("/staff/privacy/partner-exports/", {"partner": "nobody"})
    assert invalid.status_code == 400 and "Elija uno de los socios de la lista." in invalid.content.decode()
    agent_client = client_for(make_staff(Role.AGENT))
    assert agent_client.get("/staff/privacy/partner-exports/").status_code == 403
    assert agent_client.get(f"/staff/privacy/partner-exports/{export.pk}/file.csv").status_code == 403


@pytest.mark.req("PRIV-8")
def test_erasing_someone_in_an_export_withdraws_its_file_and_tells_the_officer(
    population, django_capture_on_commit_callbacks
):
    officer = make_staff(Role.PRIVACY_OFFICER)
    export = partner_export_start(actor=officer, partner_id="socio-demo")
    partner_export_build(export_id=export.pk)
    stored_name = PartnerExport.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        erase_person(person=membership(1).person, actor=officer, reference="ERASE-1")

    export.refresh_from_db()
    assert export.state == PartnerExportState.WITHDRAWN
    assert not default_storage.exists(stored_name) and not StoredFile.objects.exists()
    with pytest.raises(MemberAreaError) as gone:
        partner_export_file(actor=officer, export_id=export.pk)
    assert gone.value.code == "partner_export_not_ready"
    assert AuditEntry.objects.get(event="privacy.partner_export_withdrawn").data["export"] == str(export.pk)
    assert Disclosure.objects.filter(reference=str(export.pk)).count() == 1  # the record that it was disclosed stays
    page = client_for(officer).get("/staff/privacy/partner-exports/").content.decode()
    assert "pida al socio que también lo borre" in page  # staff pages default to Spanish
