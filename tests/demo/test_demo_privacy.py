"""The demo's privacy history (PRIV-1, PRIV-2): the notice changed a few days ago, Lucía opted in a month
ago under the earlier version, and `make run` shows the announcement and her acknowledgement prompt."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client

from memberarea.core import clock
from memberarea.identity.services import account_find
from memberarea.privacy.models import (
    ConsentRecord,
    Disclosure,
    DocumentKind,
    DocumentVersion,
    NoticeAcknowledgement,
)
from memberarea.privacy.notices import notice_announced, notice_to_acknowledge
from memberarea.privacy.partners import partner_export_population
from memberarea.privacy.selectors import version_in_force
from tests.identity.signing_in import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-1")]


def _load() -> None:
    call_command("demo_load", stdout=io.StringIO())


def test_the_notice_changed_days_ago_and_lucia_is_asked_about_it():
    _load()
    _load()  # a second load writes nothing twice
    today = clock.today_in("Europe/Madrid")
    notice = version_in_force(DocumentKind.NOTICE)
    assert notice.number == 2 and notice.summary_es and notice.summary_en
    assert today - dt.timedelta(days=30) < notice.effective_on < today
    assert version_in_force(DocumentKind.TERMS).effective_on < today - dt.timedelta(days=90)
    assert notice_announced() == notice
    assert DocumentVersion.objects.filter(kind=DocumentKind.NOTICE).count() == 2
    lucia = account_find("51234567C")
    assert notice_to_acknowledge(lucia) == notice
    assert NoticeAcknowledgement.objects.get(account=lucia).version.number == 1
    assert "Encuestas de satisfacción" in Client(HTTP_ACCEPT_LANGUAGE="es").get("/privacy/notice/").content.decode()


@pytest.mark.req("PRIV-2")
def test_lucia_opted_in_to_email_and_sharing_a_month_ago_under_the_earlier_version():
    _load()
    _load()
    lucia = account_find("51234567C")
    records = ConsentRecord.objects.filter(account=lucia).order_by("purpose")
    assert [(r.purpose, r.given, r.method, r.notice_version.number) for r in records] == [
        ("marketing_email", True, "web_form", 1),
        ("third_party_sharing", True, "web_form", 1),
    ]
    assert all(29 <= (clock.now() - record.at).days <= 31 for record in records)


@pytest.mark.req("PRIV-9")
@pytest.mark.req("BO-4")
def test_the_demo_agent_s_opening_of_lucia_s_record_is_in_her_list_and_the_partner_export_holds_her():
    _load()
    _load()  # the access is recorded once
    lucia = account_find("51234567C")
    (entry,) = Disclosure.objects.filter(person__account=lucia)
    assert (entry.role, entry.reason, entry.reference) == ("agent", "member_called", "DEMO-1001")
    assert 2 <= (clock.now() - entry.at).days <= 3
    assert [membership.person.account_id for membership in partner_export_population()] == [lucia.pk]
    client = signed_in_client(lucia, language="es")[0]
    page = client.get("/privacy/disclosures/", follow=True).content.decode()
    assert "DEMO-1001" in page and "Agente de atención al cliente" in page
