"""A new notice version, announced and acknowledged once per member; the version in force recorded at
every sign-in (PRIV-1), in the web and in the app (UI-1, API-1)."""

import json

import pytest
from django.test import Client

from memberarea.core import clock
from memberarea.core.audit import AuditEntry
from memberarea.identity.models import Role
from memberarea.identity.services import account_create
from memberarea.privacy.models import DocumentKind, NoticeAcknowledgement
from memberarea.privacy.notices import notice_to_acknowledge
from memberarea.privacy.selectors import version_in_force
from tests.backoffice.conftest import make_staff
from tests.enrollment.records import nif
from tests.identity.registering import HOLDER_NIF, PASSWORD, identify
from tests.privacy.publishing import SUMMARY_EN, SUMMARY_ES, publish
from tests.web.test_sign_in_pages import code_for

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-1")]
EMAIL = "persona1@example.invalid"
ACKNOWLEDGE = "/privacy/notice/acknowledge/"


@pytest.fixture
def new_notice():
    """Version 2 of the notice, published by a privacy officer, in force from today."""
    return publish(make_staff(Role.PRIVACY_OFFICER))


def web_sign_in(language: str = "en") -> tuple[Client, str]:
    """The member signs in through the pages (password, code by email); returns the client and where it landed."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.post("/sign-in/", {"username": HOLDER_NIF, "password": PASSWORD})["Location"] == "/sign-in/code/"
    client.post("/sign-in/code/", {"channel": "email"})
    return client, client.post("/sign-in/code/", {"code": code_for(EMAIL)})["Location"]


def app_sign_in() -> dict:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    login_id = client.post(
        "/api/v1/login", {"username": HOLDER_NIF, "password": PASSWORD}, content_type="application/json"
    ).json()["login_id"]
    client.post(f"/api/v1/login/{login_id}/send", {"channel": "email"}, content_type="application/json")
    answer = client.post(f"/api/v1/login/{login_id}/verify", {"code": code_for(EMAIL)}, content_type="application/json")
    assert answer.status_code == 201
    return answer.json()


def recorded_at_sign_in(account) -> list[dict]:
    return [
        entry.data
        for entry in AuditEntry.objects.filter(event="notice.in_force_at_sign_in", actor_id=str(account.pk)).order_by(
            "seq"
        )
    ]


def test_the_shipped_version_is_neither_announced_nor_asked_about(member_account):
    assert "We have updated our privacy notice" not in Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()
    assert web_sign_in()[1] == "/members/"


@pytest.mark.req("UI-1")
def test_the_home_page_announces_a_new_version_for_its_first_days_in_both_languages(new_notice, settings):
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get("/").content.decode()
    assert "We have updated our privacy notice" in english and SUMMARY_EN in english
    assert "Hemos actualizado nuestro aviso de privacidad" in spanish and SUMMARY_ES in spanish
    with clock.frozen(clock.now()) as frozen:
        frozen.advance(days=settings.PRIVACY_NOTICE_ANNOUNCE_DAYS + 1)
        assert SUMMARY_EN not in Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()


@pytest.mark.req("UI-1")
def test_the_member_meets_the_new_version_once_at_the_next_sign_in_and_it_is_recorded(member_account, new_notice):
    client, landing = web_sign_in()
    assert landing == f"{ACKNOWLEDGE}?next=%2Fmembers%2F"
    page = client.get(landing).content.decode()
    assert SUMMARY_EN in page and f'href="/privacy/notice/v{new_notice.number}/"' in page and "I have read it" in page

    answer = client.post(ACKNOWLEDGE, {"version": new_notice.number, "next": "/members/"})

    assert answer["Location"] == "/members/"
    acknowledgement = NoticeAcknowledgement.objects.get(account=member_account)
    assert acknowledgement.version == new_notice
    assert AuditEntry.objects.filter(event="notice.acknowledged", actor_id=str(member_account.pk)).count() == 1
    assert client.get(ACKNOWLEDGE)["Location"] == "/members/"  # nothing left to read
    assert web_sign_in()[1] == "/members/"  # once: the next sign-in lands directly
    assert recorded_at_sign_in(member_account) == [
        {"number": 2, "acknowledged": False},
        {"number": 2, "acknowledged": True},
    ]


def test_each_member_is_asked_on_their_own_and_staff_never(member_account, new_notice):
    other = account_create(username=nif("30000003"), password=PASSWORD)
    web_sign_in()[0].post(ACKNOWLEDGE, {"version": 2})

    assert notice_to_acknowledge(member_account) is None
    assert notice_to_acknowledge(other) == new_notice
    assert notice_to_acknowledge(make_staff(Role.AGENT)) is None


def test_acknowledging_a_version_that_is_no_longer_in_force_shows_the_current_one(member_account, new_notice):
    client, _ = web_sign_in()
    newer = publish(make_staff(Role.PRIVACY_OFFICER, username="OFFICER-2"))

    answer = client.post(ACKNOWLEDGE, {"version": new_notice.number, "next": "/members/"})

    assert answer.status_code == 409
    assert f'value="{newer.number}"' in answer.content.decode()
    assert not NoticeAcknowledgement.objects.exists()


@pytest.mark.req("API-1")
def test_the_app_is_told_at_sign_in_and_in_me_and_acknowledges(member_account, new_notice):
    signed_in = app_sign_in()
    waiting = {"kind": "notice", "version": 2, "url": "/api/v1/privacy/notices/notice/v/2"}
    assert signed_in["notice_to_acknowledge"] == waiting
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {signed_in['access_token']}"}
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/api/v1/me", **bearer).json()["notice_to_acknowledge"] == waiting
    assert client.get(waiting["url"]).json()["summary"] == SUMMARY_EN

    stale = client.post(
        "/api/v1/privacy/notices/notice/acknowledgement", {"version": 1}, content_type="application/json", **bearer
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "notice_not_current"
    done = client.post(
        "/api/v1/privacy/notices/notice/acknowledgement", {"version": 2}, content_type="application/json", **bearer
    )
    again = client.post(
        "/api/v1/privacy/notices/notice/acknowledgement", {"version": 2}, content_type="application/json", **bearer
    )

    assert done.status_code == again.status_code == 201 and done.json() == again.json()
    assert NoticeAcknowledgement.objects.get(account=member_account).version == new_notice
    assert client.get("/api/v1/me", **bearer).json()["notice_to_acknowledge"] is None
    assert app_sign_in()["notice_to_acknowledge"] is None
    assert recorded_at_sign_in(member_account) == [
        {"number": 2, "acknowledged": False},
        {"number": 2, "acknowledged": True},
    ]


@pytest.mark.req("API-1")
def test_registering_acknowledges_the_version_in_force(enrolled, new_notice):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    def call(path: str, body: dict):
        return client.post(f"/api/v1/registration{path}", json.dumps(body), content_type="application/json")

    flow_id = call("", identify(1)).json()["flow_id"]
    call(f"/{flow_id}/details", {"document_type": "nif", "document_number": HOLDER_NIF})
    registered = call(f"/{flow_id}/password", {"password": PASSWORD})

    assert registered.status_code == 201
    (acknowledgement,) = NoticeAcknowledgement.objects.all()
    assert acknowledgement.version == version_in_force(DocumentKind.NOTICE) == new_notice
    assert recorded_at_sign_in(acknowledgement.account) == [{"number": 2, "acknowledged": True}]
