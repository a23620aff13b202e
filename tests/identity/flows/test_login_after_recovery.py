"""Sign-in and recovery together (LOGIN-4, REC-4): the owner of an attacked account still gets in,
and after a recovery the second step goes by SMS."""

import re

import pytest

from memberarea.core.errors import MemberAreaError
from memberarea.identity.flows import login, recovery
from memberarea.identity.models import LoginState
from memberarea.notifications.models import Message
from tests.identity.flows.test_recovery import link_sent
from tests.identity.registering import HOLDER_NIF, PASSWORD, error_code

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Marea7Tranquila"


def start(password: str, address: str = "192.0.2.80"):
    return login.login_start(username=HOLDER_NIF, password=password, captcha=None, address=address, kind="api")


@pytest.mark.req("LOGIN-4")
@pytest.mark.req("REC-3")
def test_after_two_hundred_guesses_and_a_lock_the_owner_recovers_and_signs_in(member_account, settings):
    settings.LOGIN_FAILURES_BEFORE_CAPTCHA = 1_000  # let the guesses reach the lock without captcha answers
    for guess in range(200):
        with pytest.raises(MemberAreaError):
            start(f"Guess{guess}Word", address=f"203.0.113.{guess % 20}")
    assert error_code(start, PASSWORD) == "invalid_credentials"  # locked, even for the owner
    assert Message.objects.filter(template="login_locked").count() == 1
    recovery.recovery_complete(token=link_sent(), password=NEW_PASSWORD)
    assert start(NEW_PASSWORD).state == LoginState.CHOOSE  # recovery unlocked the account


@pytest.mark.req("REC-4")
def test_after_a_recovery_the_next_sign_in_goes_by_sms(member_account):
    recovery.recovery_complete(token=link_sent(), password=NEW_PASSWORD)
    flow = start(NEW_PASSWORD)
    assert [option["channel"] for option in login.login_channels(flow)] == ["sms"]
    assert error_code(login.login_send, flow_id=flow.pk, kind="api", channel="email") == "invalid"
    login.login_send(flow_id=flow.pk, kind="api", channel="sms")
    message = Message.objects.filter(template="login_code").latest("created_at")
    assert message.to == "+34600000001"
    code = re.search(r"\b(\d{6})\b", message.body_text).group(1)
    login.login_verify(flow_id=flow.pk, kind="api", code=code)
    assert [option["channel"] for option in login.login_channels(start(NEW_PASSWORD))] == ["email", "sms"]


@pytest.mark.req("REC-3")
def test_the_old_password_no_longer_works_after_recovery(member_account):
    recovery.recovery_complete(token=link_sent(), password=NEW_PASSWORD)
    assert error_code(start, PASSWORD) == "invalid_credentials"
