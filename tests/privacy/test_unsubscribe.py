"""Unsubscribe (PRIV-4, NOTIF-3): every marketing message carries a link that works signed-out — the
page's button and RFC 8058 one-click alike — for one account and one purpose; tampered or expired
links change nothing; a second use says it is done; administrative messages carry no link at all."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from memberarea.core import clock
from memberarea.notifications.delivery import message_deliver
from memberarea.notifications.models import Kind, Message
from memberarea.notifications.services import message_enqueue
from memberarea.privacy.models import ConsentChoice, ConsentMethod, ConsentPurpose, ConsentRecord
from memberarea.privacy.unsubscribe import unsubscribe_short_url, unsubscribe_url
from tests.privacy.campaigning import SMS_DRAFT, campaign_sent
from tests.privacy.population import Traits, member_add, policies_import

pytestmark = pytest.mark.django_db
EMAIL, SMS = ConsentPurpose.MARKETING_EMAIL, ConsentPurpose.MARKETING_SMS
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def member(frozen_clock):
    policies_import()
    return member_add(1, Traits(sms_consent=True)).person.account


def given(account, purpose) -> bool:
    return ConsentChoice.objects.get(account=account, purpose=purpose).given


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.mark.req("PRIV-4")
def test_signed_out_get_asks_and_post_withdraws_that_purpose_only_once(member):
    url = path_of(unsubscribe_url(account=member, purpose=EMAIL))
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="es")
    page = browser.get(url)
    assert page.status_code == 200 and given(member, EMAIL)  # a GET (a link scanner) changes nothing
    assert "Darse de baja" in page.content.decode() and "Ofertas y novedades por correo" in page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    done = browser.post(url, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200 and "Hecho" in done.content.decode()
    assert not given(member, EMAIL) and given(member, SMS)
    record = ConsentRecord.objects.get(account=member, purpose=EMAIL, given=False)
    assert (record.method, record.language, record.actor_kind) == (ConsentMethod.UNSUBSCRIBE, "es", "member")
    replay = browser.post(url, {"csrfmiddlewaretoken": token})
    assert replay.status_code == 200 and "Ya se había dado de baja" in replay.content.decode()
    assert ConsentRecord.objects.filter(account=member, purpose=EMAIL).count() == 2  # the opt-in and one withdrawal
    assert "Ya se había dado de baja" in browser.get(url).content.decode()


@pytest.mark.req("PRIV-4")
def test_one_click_post_from_a_mail_client_needs_no_page_cookie_or_csrf_token(member):
    url = path_of(unsubscribe_url(account=member, purpose=EMAIL))
    response = Client(enforce_csrf_checks=True).post(url, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and not given(member, EMAIL)


@pytest.mark.req("PRIV-4")
def test_a_tampered_link_is_refused_with_a_way_to_the_preferences(member):
    url = path_of(unsubscribe_url(account=member, purpose=EMAIL))
    token = url.split("/")[-2]
    forged = [
        url.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B")),
        url.replace(token, "not-a-token"),
        path_of(unsubscribe_url(account=member, purpose=EMAIL)).replace("/unsubscribe/", "/unsubscribe/x"),
    ]
    for path in forged:
        for response in (Client().get(path), Client().post(path, ONE_CLICK, content_type="text/plain")):
            assert response.status_code == 400
            assert 'href="/privacy/preferences/"' in response.content.decode()
    assert given(member, EMAIL)


@pytest.mark.req("PRIV-4")
def test_a_link_expires_after_the_setting(member, settings):
    settings.PRIVACY_UNSUBSCRIBE_LINK_DAYS = 60
    url = path_of(unsubscribe_url(account=member, purpose=EMAIL))
    short = path_of(unsubscribe_short_url(account=member, purpose=SMS))
    with clock.frozen(clock.now() + dt.timedelta(days=59, hours=23)):
        assert Client().get(url).status_code == 200 and Client().get(short).status_code == 200
    with clock.frozen(clock.now() + dt.timedelta(days=60, minutes=1)):
        assert Client().post(url, ONE_CLICK, content_type="text/plain").status_code == 400
        assert Client().post(short).status_code == 400
    assert given(member, EMAIL) and given(member, SMS)


@pytest.mark.req("PRIV-4")
def test_the_sms_short_link_withdraws_sms_only(member):
    short = path_of(unsubscribe_short_url(account=member, purpose=SMS))
    assert re.fullmatch(r"/u/[\w-]{11}", short)
    assert Client().post(short).status_code == 200
    assert not given(member, SMS) and given(member, EMAIL)
    assert Client().get("/u/nonexistent0").status_code == 400


def _deliver_all(**filters) -> None:
    for message in Message.objects.filter(**filters):
        assert message_deliver(message.pk) == "sent"


@pytest.mark.req("PRIV-4")
@pytest.mark.req("NOTIF-3")
def test_marketing_email_carries_one_click_headers_and_administrative_none(
    member, smtp_server, django_capture_on_commit_callbacks
):
    campaign = campaign_sent(capture=django_capture_on_commit_callbacks)
    message_enqueue(channel="email", to="persona1@example.invalid", template="test_message", language="es",
                    context={}, account=member)  # fmt: skip
    _deliver_all()
    mails = {received.message["Subject"]: received.message for received in smtp_server.handler.received}
    marketing = mails[campaign.subject_es]
    administrative = mails["Mensaje de prueba de Ejemplia Salud"]
    assert "List-Unsubscribe" not in administrative and "List-Unsubscribe-Post" not in administrative
    assert "/privacy/unsubscribe/" not in administrative.get_body(("plain",)).get_content()
    assert marketing["List-Unsubscribe-Post"] == ONE_CLICK
    header = re.fullmatch(r"<(https?://[^>]+)>", marketing["List-Unsubscribe"].strip()).group(1)  # may be folded
    assert header in marketing.get_body(("plain",)).get_content()  # the same link is in the text
    # The mail client's one-click POST to the header's URL, with nothing else: unsubscribed.
    response = Client(enforce_csrf_checks=True).post(path_of(header), ONE_CLICK, content_type="text/plain")
    assert response.status_code == 200 and not given(member, EMAIL)


@pytest.mark.req("PRIV-4")
@pytest.mark.req("NOTIF-3")
def test_marketing_sms_carries_its_short_link(member, sms_gateway, django_capture_on_commit_callbacks):
    campaign_sent(SMS_DRAFT, capture=django_capture_on_commit_callbacks)
    _deliver_all(kind=Kind.MARKETING)
    [request] = sms_gateway.requests
    body = request["json"]["body"]
    assert body.startswith(SMS_DRAFT.body_es) and len(body) <= 160
    short = re.search(r"https?://\S+/u/[\w-]+", body).group(0)
    assert Client().post(path_of(short)).status_code == 200 and not given(member, SMS)
