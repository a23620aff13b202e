"""One-time codes' limits as the member reads them (LOGIN-3): the wait before a resend is counted
up to the next whole second, never more."""

import re

import pytest
from django.utils import translation

from memberarea.core.errors import MemberAreaError
from memberarea.identity.flows import codes, login
from memberarea.notifications.models import Message
from tests.identity.flows.test_login import start

pytestmark = pytest.mark.django_db


@pytest.mark.req("LOGIN-3")
def test_a_resend_too_soon_says_how_many_seconds_are_left(member_account, frozen_clock, settings):
    flow = start()
    login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    frozen_clock.advance(seconds=settings.CODE_RESEND_COOLDOWN_SECONDS / 2 + 0.5)  # 29.5 s left of 60
    with pytest.raises(MemberAreaError) as refused:
        login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    assert refused.value.code == "rate_limited"
    left = int(settings.CODE_RESEND_COOLDOWN_SECONDS / 2)  # 29.5 s read as 30
    assert re.findall(r"\d+", str(refused.value.detail)) == [str(left)]


@pytest.mark.req("LOGIN-3")
def test_a_resend_at_once_waits_the_cooldown_not_a_second_more(member_account, frozen_clock, settings):
    flow = start()
    login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    with pytest.raises(MemberAreaError) as refused:
        login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    assert re.findall(r"\d+", str(refused.value.detail)) == [str(settings.CODE_RESEND_COOLDOWN_SECONDS)]


@pytest.mark.req("NOTIF-2")
def test_a_code_message_is_marked_as_holding_a_secret(member_account):
    """So the worker purges its body once delivered or expired."""
    login.login_send(flow_id=start().pk, kind="api", channel="sms")
    assert Message.objects.get(template="login_code").contains_secret


@pytest.mark.req("LOGIN-3")
def test_the_wait_is_said_in_a_whole_sentence_in_the_members_language(member_account, frozen_clock, settings):
    flow = start()
    login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    with translation.override("en"), pytest.raises(MemberAreaError) as refused:
        login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    seconds = settings.CODE_RESEND_COOLDOWN_SECONDS
    assert str(refused.value.detail) == f"Please wait {seconds} seconds before asking for another code."


@pytest.mark.req("LOGIN-3")
def test_the_sends_of_one_flow_and_channel_stop_at_the_limit(member_account, frozen_clock, settings):
    flow = start()
    for _ in range(settings.CODE_MAX_SENDS):
        login.login_send(flow_id=flow.pk, kind="api", channel="sms")
        frozen_clock.advance(seconds=settings.CODE_RESEND_COOLDOWN_SECONDS)
    with pytest.raises(MemberAreaError) as refused:
        login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    assert refused.value.code == "too_many_attempts"
    assert Message.objects.filter(template="login_code").count() == settings.CODE_MAX_SENDS


@pytest.mark.req("LOGIN-3")
def test_the_code_message_says_its_lifetime_in_whole_minutes(member_account, settings):
    login.login_send(flow_id=start().pk, kind="api", channel="email")
    text = Message.objects.get(template="login_code").body_text
    minutes = settings.CODE_LIFETIME_SECONDS // 60
    assert re.search(rf"\b{minutes} (minutes|minutos)\b", text) and f"{minutes}.0" not in text


@pytest.mark.req("LOGIN-3")
def test_a_code_typed_for_a_channel_that_was_never_sent_is_simply_wrong(member_account):
    flow = start()
    login.login_send(flow_id=flow.pk, kind="api", channel="email")
    with pytest.raises(MemberAreaError) as refused:
        codes.code_use(flow_id=flow.pk, channel="sms", code="123456")
    assert refused.value.code == "invalid_code"
