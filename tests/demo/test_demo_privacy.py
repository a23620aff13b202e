"""The demo's privacy history (PRIV-1, PRIV-2): the notice changed a few days ago, Lucía opted in a month
ago under the earlier version, and `make run` shows the announcement and her acknowledgement prompt."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client

from memberarea.core import clock
from memberarea.identity.services import account_find
from memberarea.privacy.models import ConsentRecord, DocumentKind, DocumentVersion, NoticeAcknowledgement
from memberarea.privacy.notices import notice_announced, notice_to_acknowledge
from memberarea.privacy.selectors import version_in_force

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
def test_lucia_opted_in_to_email_a_month_ago_under_the_earlier_version():
    _load()
    _load()
    lucia = account_find("51234567C")
    (record,) = ConsentRecord.objects.filter(account=lucia)
    assert (record.purpose, record.given, record.method, record.notice_version.number) == (
        "marketing_email", True, "web_form", 1,
    )  # fmt: skip
    assert 29 <= (clock.now() - record.at).days <= 31
