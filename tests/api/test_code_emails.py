"""A code goes in the email's body only, never in its subject (issue 15, defect 8; LOGIN-2, REG-4).

A subject shows on a locked phone's notifications: whoever holds the phone would read the code
without unlocking it. Each flow that emails a code is driven here and its message read back.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from memberarea.notifications.models import Channel, Message
from tests.identity.registering import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.req("LOGIN-2"), pytest.mark.req("REG-4")]

SIX_DIGITS = re.compile(r"\b\d{6}\b")


def _login_code(w):
    login_id = w.login()
    assert w.call("post", f"/login/{login_id}/send", {"channel": "email"}).status_code == 200


def _step_up_code(w):
    token = w.token()
    login_id = w.step_up(token)
    assert w.call("post", f"/reauthenticate/{login_id}/send", {"channel": "email"}, token=token).status_code == 200


def _registration_code(w):
    w.registration_with_new_email()


def _link_code(w):
    flow_id = w.rejoiner()
    assert w.call("post", f"/registration/{flow_id}/link", {"password": PASSWORD}).status_code == 200


def _contact_code(w):
    token = w.token()
    body = {"channel": "email", "value": "nueva@example.org"}
    assert w.call("put", "/me/contact", body, token=token).status_code == 202


FLOWS = {
    "login_code": _login_code,
    "login_code (step-up)": _step_up_code,
    "registration_code": _registration_code,
    "registration_link_code": _link_code,
    "contact_code": _contact_code,
}


def test_every_template_that_carries_a_code_is_driven_here():
    source = Path(settings.SRC_DIR) / "memberarea"
    with_code = {
        path.parent.name
        for path in source.glob("*/templates/notifications/*/body.txt")
        if re.search(r"\{\{\s*code\s*\}\}", path.read_text())
    }
    assert with_code == {name.split(" ")[0] for name in FLOWS}


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("flow", FLOWS.values(), ids=FLOWS.keys())
def test_the_code_is_in_the_body_and_not_in_the_subject(world, flow, language):
    world.api.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    flow(world)
    message = Message.objects.filter(channel=Channel.EMAIL).order_by("-created_at").first()
    code = SIX_DIGITS.search(message.body_text).group()
    assert message.subject and code not in message.subject and not re.search(r"\d", message.subject)
    if message.body_html:
        assert code in message.body_html
