"""Publishing document versions (PRIV-1, BO-1): numbered in order, audited, in force only from their day."""

import pytest

from memberarea.core import clock
from memberarea.core.audit import AuditEntry
from memberarea.core.errors import MemberAreaError
from memberarea.identity.models import Role
from memberarea.privacy.documents import document_publish, shipped_text
from memberarea.privacy.models import DocumentKind
from memberarea.privacy.selectors import version_in_force, version_public, versions_public
from tests.backoffice.conftest import make_staff
from tests.privacy.publishing import publish, today

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-1")]


@pytest.fixture
def officer():
    return make_staff(Role.PRIVACY_OFFICER)


def test_the_shipped_version_one_carries_the_brands_contact_points(settings):
    notice = version_in_force(DocumentKind.NOTICE)
    assert notice.number == 1 and notice.published_by is None
    assert settings.BRAND["privacy_email"] in notice.body_es and settings.BRAND["privacy_email"] in notice.body_en
    assert "{{brand." not in notice.body_es + notice.body_en
    assert all("{{brand." not in shipped_text(kind, language) for kind in DocumentKind for language in ("es", "en"))


def test_publishing_numbers_the_next_version_and_audits_it(officer):
    version = publish(officer, kind=DocumentKind.TERMS)

    assert (version.number, version.effective_on, version.published_by) == (2, today(), officer)
    assert version_in_force(DocumentKind.TERMS) == version
    assert version_in_force(DocumentKind.NOTICE).number == 1  # one kind's numbers are its own
    entry = AuditEntry.objects.get(event="document.published")
    assert (entry.actor_id, entry.subject_id) == (str(officer.pk), str(version.pk))
    assert entry.data == {"kind": "terms", "number": 2, "effective_on": today().isoformat()}


def test_a_version_with_a_future_date_is_not_in_force_nor_public_until_its_day(officer):
    with clock.frozen(clock.now()) as frozen:
        future = publish(officer, days=3)
        assert version_in_force(DocumentKind.NOTICE).number == 1
        assert version_public(DocumentKind.NOTICE, 2) is None
        assert [v.number for v in versions_public(DocumentKind.NOTICE)] == [1]
        frozen.advance(days=3)
        assert version_in_force(DocumentKind.NOTICE) == future
        assert [v.number for v in versions_public(DocumentKind.NOTICE)] == [2, 1]


def test_old_versions_stay_readable(officer):
    with clock.frozen(clock.now()) as frozen:
        publish(officer, days=1)
        frozen.advance(days=1)
        publish(officer, days=1)
        frozen.advance(days=1)
        assert version_in_force(DocumentKind.NOTICE).number == 3
        assert [version_public(DocumentKind.NOTICE, n).number for n in (1, 2, 3)] == [1, 2, 3]


@pytest.mark.req("BO-1")
@pytest.mark.parametrize("role", [role for role in Role if role != Role.PRIVACY_OFFICER])
def test_only_the_privacy_officer_publishes(role):
    with pytest.raises(MemberAreaError) as raised:
        publish(make_staff(role))
    assert raised.value.error.code == "forbidden"
    assert version_in_force(DocumentKind.NOTICE).number == 1


def test_both_languages_a_summary_and_a_day_from_today_are_required(officer):
    with pytest.raises(MemberAreaError) as raised:
        publish(officer, body_en="  ", summary_es="", days=-1)
    assert raised.value.error.code == "invalid"
    assert set(raised.value.fields) == {"body_en", "summary_es", "effective_on"}
    with pytest.raises(MemberAreaError) as raised:
        document_publish(actor=officer, kind=DocumentKind.NOTICE, body_es="a", body_en="b", summary_es="c",
                         summary_en="d", effective_on=None)  # fmt: skip
    assert set(raised.value.fields) == {"effective_on"}
    assert not AuditEntry.objects.filter(event="document.published").exists()
    assert version_in_force(DocumentKind.NOTICE).number == 1
