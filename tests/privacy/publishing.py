"""Publishing document versions in tests the way the privacy officer does (privacy.documents.document_publish)."""

import datetime as dt

from django.conf import settings

from memberarea.core import clock
from memberarea.identity.models import Account
from memberarea.privacy.documents import document_publish
from memberarea.privacy.models import DocumentKind, DocumentVersion

SUMMARY_ES = "Añadimos las estadísticas de visitas con consentimiento."
SUMMARY_EN = "We added page-visit statistics, with consent."


def today() -> dt.date:
    return clock.today_in(settings.INSURER_TIME_ZONE)


def publish(officer: Account, *, kind: DocumentKind = DocumentKind.NOTICE, days: int = 0, **texts) -> DocumentVersion:
    """The next version of `kind`, taking effect `days` after today."""
    values = {
        "body_es": "# Nuevo\nTexto nuevo.",
        "body_en": "# New\nNew text.",
        "summary_es": SUMMARY_ES,
        "summary_en": SUMMARY_EN,
        **texts,
    }
    return document_publish(actor=officer, kind=kind, effective_on=today() + dt.timedelta(days=days), **values)
