"""The demo's privacy history (PRIV-1, PRIV-2): a notice that changed a few days ago, and Lucía's choices.

So that `make run` shows what members meet after a notice changes:
- version 1 of every document took effect six months before the load (as if installed then);
- the privacy officer published version 2 of the notice, in force five days before the load, with a
  summary of changes: the home page announces it, and Lucía is asked to read it when she signs in;
- Lucía registered two months before the load (acknowledging version 1) and opted in to offers by
  email and to sharing with partners for their own marketing a month before, under version 1: her
  consent history has those records (the partner export holds her, PRIV-9).

Dates are relative to the day of loading, as in the demo's enrollment: each load moves the two
versions' dates (the demo's only edit of a published version), and writes nothing else twice.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction

from memberarea.core import clock
from memberarea.enrollment.models import Membership, Person
from memberarea.enrollment.services import person_account_link
from memberarea.identity.models import Account
from memberarea.identity.services import account_create, account_find, account_password_reset_by_operator
from memberarea.privacy.consent import consent_set
from memberarea.privacy.documents import document_publish, shipped_text
from memberarea.privacy.models import ConsentMethod, ConsentPurpose, DocumentKind, DocumentVersion
from memberarea.privacy.notices import notice_acknowledge_at_registration

from .enrollment import DEMO_MEMBER_PASSWORD, _nif
from .staff import DEMO_STAFF

LUCIA = "MA200101"
LUCIA_DOCUMENT = _nif("51234567")
INSTALLED_DAYS_AGO = 180
NOTICE_CHANGED_DAYS_AGO = 5
REGISTERED_DAYS_AGO = 60
OPTED_IN_DAYS_AGO = 30
PRIVACY_OFFICER = next(username for username, _, roles in DEMO_STAFF if "privacy_officer" in roles)

SURVEYS = {
    "es": "# Encuestas de satisfacción\n\nDe vez en cuando le preguntamos qué le parece nuestro servicio. Solo le "
    "enviamos encuestas si activa esa opción en el centro de privacidad; sus respuestas se usan para mejorar el "
    "servicio y cada encuesta lleva un enlace para no recibir más.\n\n",
    "en": "# Satisfaction surveys\n\nFrom time to time we ask what you think of our service. We send you surveys only "
    "if you switch that choice on in the privacy centre; your answers are used to improve the service, and each "
    "survey has a link to stop receiving them.\n\n",
}
CHANGES_HEADING = {"es": "# Cambios en este aviso", "en": "# Changes to this notice"}
SUMMARY = {
    "es": "Añadimos una sección sobre las encuestas de satisfacción: solo se las enviamos si usted lo acepta.",
    "en": "We added a section about satisfaction surveys: we send them only if you say yes.",
}


def _notice_v2_text(language: str) -> str:
    text = shipped_text(DocumentKind.NOTICE, language)
    heading = CHANGES_HEADING[language]
    return text.replace(heading, SURVEYS[language] + heading, 1) if heading in text else text + "\n" + SURVEYS[language]


def _versions_dated(now: dt.datetime, today: dt.date) -> None:
    installed = now - dt.timedelta(days=INSTALLED_DAYS_AGO)
    DocumentVersion.objects.filter(number=1).update(effective_on=installed.date(), published_at=installed)
    changed = today - dt.timedelta(days=NOTICE_CHANGED_DAYS_AGO)
    notice = DocumentVersion.objects.filter(kind=DocumentKind.NOTICE, number=2)
    if notice.exists():
        notice.update(effective_on=changed, published_at=now - dt.timedelta(days=NOTICE_CHANGED_DAYS_AGO))
        return
    officer = account_find(PRIVACY_OFFICER)
    if officer is None:
        raise RuntimeError("load the demo staff before the privacy history")
    with clock.frozen(now - dt.timedelta(days=NOTICE_CHANGED_DAYS_AGO)):
        document_publish(
            actor=officer,
            kind=DocumentKind.NOTICE,
            body_es=_notice_v2_text("es"),
            body_en=_notice_v2_text("en"),
            summary_es=SUMMARY["es"],
            summary_en=SUMMARY["en"],
            effective_on=changed,
        )


def _lucia(now: dt.datetime) -> Account:
    """Lucía registered two months ago (acknowledging the notice then in force); the demo password each load."""
    account = account_find(LUCIA_DOCUMENT)
    if account is not None:
        account_password_reset_by_operator(account=account, password=DEMO_MEMBER_PASSWORD)
        return account
    with clock.frozen(now - dt.timedelta(days=REGISTERED_DAYS_AGO)):
        account = account_create(username=LUCIA_DOCUMENT, password=DEMO_MEMBER_PASSWORD, language="es")
        person = Membership.objects.select_related("person").get(member_number=LUCIA).person
        Person.objects.filter(pk=person.pk).update(created_at=clock.now())  # enrolled before she registered
        Membership.objects.filter(person=person).update(created_at=clock.now())
        person.refresh_from_db()
        person_account_link(person=person, account=account, actor_id="system")
        notice_acknowledge_at_registration(account=account)
    return account


def demo_privacy_load() -> None:
    """Date the documents, publish the notice's version 2 once, and give Lucía her account and first choice."""
    now = clock.now()
    with transaction.atomic():
        _versions_dated(now, clock.today_in(settings.INSURER_TIME_ZONE))
        lucia = _lucia(now)
        with clock.frozen(now - dt.timedelta(days=OPTED_IN_DAYS_AGO)):  # nothing is written on a later load
            offers = {ConsentPurpose.MARKETING_EMAIL: True, ConsentPurpose.THIRD_PARTY_SHARING: True}
            consent_set(account=lucia, changes=offers, method=ConsentMethod.WEB_FORM, language="es")
