"""The documents shipped with the product (PRIV-1): version 1 of each kind, in both languages.

The texts live in `documents/<kind>.<language>.md`; `documents_ensure` (run after every migrate,
so also in each test database) publishes them as version 1 of a kind that has no version yet.
Later versions are published by the privacy officer and never come from these files.
"""

from pathlib import Path

from django.db import transaction

from memberarea.core import clock

from .models import DocumentKind, DocumentVersion

TEXTS = Path(__file__).resolve().parent / "documents"


def shipped_text(kind: DocumentKind, language: str) -> str:
    return (TEXTS / f"{kind.value}.{language}.md").read_text(encoding="utf-8")


def documents_ensure() -> None:
    """Publish version 1 of every document kind that has none (idempotent)."""
    now = clock.now()
    with transaction.atomic():
        for kind in DocumentKind:
            if not DocumentVersion.objects.filter(kind=kind).exists():
                DocumentVersion.objects.create(
                    kind=kind,
                    number=1,
                    effective_on=now.date(),
                    body_es=shipped_text(kind, "es"),
                    body_en=shipped_text(kind, "en"),
                    published_at=now,
                )
