"""Step-up (LOGIN-9): a step-up flow answers only the session that started it, and contact changes need
a fresh step-up of the session making them, from start to confirmation."""

import re

import pytest

from memberarea.identity import account_settings
from memberarea.identity.flows import login
from memberarea.identity.models import SessionRecord
from memberarea.notifications.models import Message
from tests.identity.registering import error_code

pytestmark = pytest.mark.django_db


def session_of(account, at) -> SessionRecord:
    return SessionRecord.objects.create(
        account=account, kind="app", created_at=at, last_seen_at=at, expires_at=at.replace(year=at.year + 1)
    )


def newest_code(template: str) -> str:
    message = Message.objects.filter(template=template).order_by("-created_at").first()
    return re.search(r"\b(\d{6})\b", message.body_text).group(1)


@pytest.mark.req("LOGIN-9")
def test_another_sessions_step_up_can_be_neither_sent_nor_verified(member_account, frozen_clock):
    mine, theirs = session_of(member_account, frozen_clock.at), session_of(member_account, frozen_clock.at)
    flow = login.step_up_start(session=mine, kind="api")
    assert error_code(login.step_up_send, flow_id=flow.pk, session=theirs, kind="api", channel="sms") == "flow_expired"
    login.step_up_send(flow_id=flow.pk, session=mine, kind="api", channel="sms")
    code = newest_code("login_code")
    assert error_code(login.step_up_verify, flow_id=flow.pk, session=theirs, kind="api", code=code) == "flow_expired"
    assert error_code(login.step_up_verify, flow_id=flow.pk, session=None, kind="api", code=code) == "flow_expired"
    theirs.refresh_from_db()
    assert theirs.reauthenticated_at is None  # nothing was proven for the other session
    login.step_up_verify(flow_id=flow.pk, session=mine, kind="api", code=code)  # the code was not spent
    mine.refresh_from_db()
    assert mine.reauthenticated_at == frozen_clock.at


@pytest.mark.req("LOGIN-9")
def test_a_contact_change_needs_a_fresh_step_up_until_its_confirmation(member_account, frozen_clock, settings):
    session = session_of(member_account, frozen_clock.at)
    flow = account_settings.account_contact_change_start(
        account=member_account, session=session, channel="sms", value="699 111 222", kind="api"
    )
    code = newest_code("contact_code")
    frozen_clock.advance(seconds=settings.STEP_UP_SECONDS)  # the flow lives on, the step-up is stale
    confirm = account_settings.account_contact_change_confirm
    stale = error_code(confirm, account=member_account, session=session, flow_id=flow.pk, kind="api", code=code)
    assert stale == "reauthentication_required"
    assert not Message.objects.filter(template="contact_changed").exists()


@pytest.mark.req("REG-4")
def test_a_contact_change_is_confirmed_only_by_the_session_that_started_it(member_account, frozen_clock):
    mine, theirs = session_of(member_account, frozen_clock.at), session_of(member_account, frozen_clock.at)
    flow = account_settings.account_contact_change_start(
        account=member_account, session=mine, channel="sms", value="699 111 222", kind="api"
    )
    code = newest_code("contact_code")
    confirm = account_settings.account_contact_change_confirm
    other = error_code(confirm, account=member_account, session=theirs, flow_id=flow.pk, kind="api", code=code)
    assert other == "flow_expired"
    assert confirm(account=member_account, session=mine, flow_id=flow.pk, kind="api", code=code) == "sms"
