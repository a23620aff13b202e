"""Publishing a document version in the back office (PRIV-1, BO-1): preview, validation, publish, list."""

import datetime as dt

import pytest

from memberarea.core.audit import AuditEntry
from memberarea.identity.models import Role
from memberarea.privacy.models import DocumentKind, DocumentVersion
from tests.backoffice.conftest import client_for
from tests.privacy.publishing import today

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-1"), pytest.mark.req("BO-1")]
PUBLISH = "/staff/documents/terms/publish/"


def form(**changes) -> dict:
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    return {"body_es": "# Nuevas\nCondiciones.", "body_en": "# New\nTerms <b>here</b> and [more](https://example.org/).",
            "summary_es": "Cambios menores.", "summary_en": "Small changes.", "effective_on": tomorrow,
            "action": "publish", **changes}  # fmt: skip


def test_the_form_starts_from_the_version_in_force_and_previews_without_publishing(staff):
    client = client_for(staff[Role.PRIVACY_OFFICER])
    page = client.get(PUBLISH).content.decode()
    assert "# Quién puede usarla" in page and "Esta será la versión 2" in page

    preview = client.post(PUBLISH, form(action="preview")).content.decode()

    assert "<h2>New</h2>" in preview and "Terms &lt;b&gt;here&lt;/b&gt;" in preview
    assert 'rel="noopener noreferrer"' in preview
    assert DocumentVersion.objects.filter(kind=DocumentKind.TERMS).count() == 1


def test_publishing_validates_then_publishes_a_future_version_listed_for_staff(staff):
    officer = staff[Role.PRIVACY_OFFICER]
    client = client_for(officer)
    refused = client.post(PUBLISH, form(summary_en="", effective_on="yesterday"))
    assert refused.status_code == 400
    assert DocumentVersion.objects.filter(kind=DocumentKind.TERMS).count() == 1

    published = client.post(PUBLISH, form())

    assert published["Location"] == "/staff/documents/"
    version = DocumentVersion.objects.get(kind=DocumentKind.TERMS, number=2)
    assert (version.published_by, version.effective_on) == (officer, today() + dt.timedelta(days=1))
    assert AuditEntry.objects.filter(event="document.published", actor_id=str(officer.pk)).count() == 1
    listing = client.get("/staff/documents/").content.decode()
    assert "todavía no está en vigor" in listing and "Cambios menores." in listing


@pytest.mark.parametrize("role", [role for role in Role if role != Role.PRIVACY_OFFICER])
def test_no_other_role_publishes(staff, role):
    assert client_for(staff[role]).post(PUBLISH, form()).status_code == 403
    assert DocumentVersion.objects.filter(kind=DocumentKind.TERMS).count() == 1


def test_an_unknown_document_is_not_found(staff):
    assert client_for(staff[Role.PRIVACY_OFFICER]).get("/staff/documents/other/publish/").status_code == 404
