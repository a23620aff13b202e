"""The published documents (PRIV-1): version 1 shipped with the product, later ones by the privacy officer.

The shipped texts live in `documents/<kind>.<language>.md` (the format of privacy/rendering.py);
`documents_ensure` (run after every migrate, so also in each test database) publishes them as
version 1 of a kind that has no version yet, with the brand's names and contact points written in
(`{{brand.name}}`, `{{brand.privacy_email}}` …, from the BRAND_* settings). Later versions come
from `document_publish`, never from these files. A published version is never edited.
"""

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.brand import brand
from memberarea.core.errors import FORBIDDEN, INVALID, MemberAreaError
from memberarea.identity.models import Account, Role

from .models import DocumentKind, DocumentVersion

TEXTS = Path(__file__).resolve().parent / "documents"
BRAND_FIELD = re.compile(r"\{\{brand\.(\w+)\}\}")
BODY_MAX = 100_000
SUMMARY_MAX = 2_000


def shipped_text(kind: DocumentKind, language: str) -> str:
    """A shipped text with the brand's values in place of its `{{brand.<field>}}` marks."""
    text = (TEXTS / f"{kind.value}.{language}.md").read_text(encoding="utf-8")
    values = brand()
    return BRAND_FIELD.sub(lambda mark: str(values[mark.group(1)]), text)


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


def _publish_problems(texts: dict[str, str], effective_on: dt.date | None) -> dict[str, list]:
    problems: dict[str, list] = {}
    for name, text in texts.items():
        limit = BODY_MAX if name.startswith("body") else SUMMARY_MAX
        if not text.strip():
            problems[name] = [_("Write this text: every version is published in Spanish and English.")]
        elif len(text) > limit:
            problems[name] = [_("This text is too long (at most %(limit)s characters).") % {"limit": limit}]
    if effective_on is None:
        problems["effective_on"] = [_("Give the day the version takes effect.")]
    elif effective_on < clock.today_in(settings.INSURER_TIME_ZONE):
        problems["effective_on"] = [
            _("The day it takes effect is today or later: a published text never changes the past.")
        ]
    return problems


def document_publish(
    *,
    actor: Account,
    kind: DocumentKind,
    body_es: str,
    body_en: str,
    summary_es: str,
    summary_en: str,
    effective_on: dt.date | None,
) -> DocumentVersion:
    """Publish the next version of a document (number = the previous one + 1), audited (PRIV-1, BO-1).

    Only a privacy officer publishes. Both languages and a summary of what changed in each are
    required; the version takes effect on `effective_on` (today or later), and until then the
    previous one stays in force.
    """
    if not actor.has_role(Role.PRIVACY_OFFICER):
        raise MemberAreaError(FORBIDDEN)
    texts = {"body_es": body_es, "body_en": body_en, "summary_es": summary_es, "summary_en": summary_en}
    problems = _publish_problems(texts, effective_on)
    if problems or effective_on is None:
        raise MemberAreaError(INVALID, fields=problems)
    with transaction.atomic():
        latest = DocumentVersion.objects.select_for_update().filter(kind=kind).order_by("-number").first()
        version = DocumentVersion.objects.create(
            kind=kind,
            number=(latest.number if latest else 0) + 1,
            effective_on=effective_on,
            **{name: text.strip() for name, text in texts.items()},
            published_at=clock.now(),
            published_by=actor,
        )
        audit_record(
            event="document.published",
            actor_id=str(actor.pk),
            subject_id=str(version.pk),
            data={"kind": str(kind), "number": version.number, "effective_on": effective_on.isoformat()},
        )
    return version
