"""Races (LOGIN-3, REL-2): one code or one email link used twenty times at once signs in once."""

import re

import pytest

from memberarea.identity.flows import login
from memberarea.identity.models import LoginFlow, LoginState
from memberarea.notifications.models import Message
from tests.core.conftest import outcome_of, run_together
from tests.identity.registering import HOLDER_NIF, PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _email_sent(member_account) -> tuple[LoginFlow, str]:
    flow = login.login_start(
        username=HOLDER_NIF, password=PASSWORD, captcha=None, address="192.0.2.7", kind="browser",
        browser_binding="this-browser",
    )  # fmt: skip
    login.login_send(flow_id=flow.pk, kind="browser", channel="email")
    return flow, Message.objects.get(template="login_code").body_text


@pytest.mark.req("LOGIN-3")
def test_twenty_concurrent_uses_of_one_email_link_sign_in_once(member_account):
    _, text = _email_sent(member_account)
    token = re.search(r"/sign-in/link/([^/\s]+)/", text).group(1)
    results = run_together(
        20, lambda _: outcome_of(lambda: login.login_link_use(token=token, browser_binding="this-browser"))
    )
    assert results.count("ok") == 1 and set(results) == {"ok", "flow_expired"}


@pytest.mark.req("LOGIN-3")
def test_twenty_concurrent_uses_of_one_code_sign_in_once(member_account):
    flow, text = _email_sent(member_account)
    code = re.search(r"\b(\d{6})\b", text).group(1)
    results = run_together(
        20, lambda _: outcome_of(lambda: login.login_verify(flow_id=flow.pk, kind="browser", code=code))
    )
    assert results.count("ok") == 1
    assert LoginFlow.objects.get(pk=flow.pk).state == LoginState.COMPLETED
