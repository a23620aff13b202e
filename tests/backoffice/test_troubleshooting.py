"""BO-3: "I did not get my code" — the troubleshooting panel shows every message about the member,
codes included (they are sent for a flow, and now linked to the account or membership): its human
name, channel, state and times, never its content or address."""

import re
from pathlib import Path

import pytest
from django.utils import translation

import memberarea
from memberarea.backoffice.selectors import troubleshooting
from memberarea.core.labels import MESSAGE_LABELS
from memberarea.enrollment.models import Membership
from memberarea.identity.account_settings import account_contact_change_start
from memberarea.identity.flows.login import login_send, login_start
from memberarea.identity.flows.registration import details
from memberarea.identity.models import Role
from memberarea.notifications.models import Message
from tests.backoffice.conftest import client_for, open_record
from tests.identity.registering import HOLDER_NIF, PASSWORD, start
from tests.identity.signing_in import signed_in_client

DELIVERY = 'class="session-entry delivery"'
SRC = Path(memberarea.__file__).parent


def registration_code_sent(number: int = 2) -> None:
    """A registration that confirms a contact the member typed: a code for the flow, not the account."""
    flow = start(number)
    details._send_code(flow, "email", f"nueva{number}@example.invalid")


def sign_in_code_sent(channel: str = "email") -> None:
    flow = login_start(username=HOLDER_NIF, password=PASSWORD, captcha=None, address="192.0.2.9", kind="api")
    login_send(flow_id=flow.pk, kind="api", channel=channel)


def member(number: str = "M000001"):
    return Membership.objects.select_related("person__account").get(member_number=number)


@pytest.mark.req("BO-3")
def test_code_messages_are_linked_to_the_account_or_the_membership(member_account):
    sign_in_code_sent("sms")
    registration_code_sent(2)
    registration = Message.objects.get(template="registration_code")
    assert registration.membership_id == member("M000002").pk
    login = Message.objects.get(template="login_code")
    assert (login.account_id, login.channel) == (member_account.pk, "sms")


@pytest.mark.req("BO-3")
def test_the_panel_lists_sign_in_and_registration_codes(member_account):
    sign_in_code_sent()
    registration_code_sent(2)
    assert troubleshooting(member())["deliveries"][0].template == "login_code"
    assert [m.template for m in troubleshooting(member("M000002"))["deliveries"]] == ["registration_code"]


@pytest.mark.req("BO-3")
@pytest.mark.req("UI-1")
def test_the_panel_shows_names_channels_states_and_times_never_content(member_account, staff):
    sign_in_code_sent()
    registration_code_sent(2)
    client = client_for(staff[Role.AGENT])
    for number, template in (("M000001", "login_code"), ("M000002", "registration_code")):
        open_record(client, member(number))
        body = client.get(f"/staff/members/{member(number).pk}/").content.decode()
        panel = body.split('class="summary-list troubleshooting"')[1]
        with translation.override("es"):
            assert f"<strong>{MESSAGE_LABELS[template]}</strong>" in panel
        assert template not in panel and "(UTC+0" in panel and DELIVERY in panel
        code = Message.objects.filter(template=template).first()
        assert code.to not in panel and code.body_text not in panel


@pytest.mark.req("BO-3")
def test_contact_change_codes_are_linked_to_the_account(member_account):
    _, session = signed_in_client(member_account)
    account_contact_change_start(
        account=member_account, session=session, channel="email", value="otra@example.invalid", kind="browser"
    )
    assert Message.objects.get(template="contact_code").account_id == member_account.pk


@pytest.mark.req("BO-3")
def test_every_message_queued_in_src_names_its_account_or_membership():
    """Each call that queues a message says whom it is about (the operator's test message aside)."""
    unlinked = []
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        for call in re.finditer(r"\b(message_enqueue|code_send)\((.*?)\n\s*\)", text, re.S):
            if "def " in text[call.start() - 4 : call.start()] or 'template="test_message"' in call.group(2):
                continue
            if "account=" not in call.group(2) and "membership=" not in call.group(2):
                unlinked.append(f"{path.relative_to(SRC)}:{text[: call.start()].count(chr(10)) + 1}")
    assert unlinked == []
