"""Step-up and contact changes for the app (API-1, LOGIN-9): another session's flow, a stale session."""

import re

import pytest
from django.conf import settings
from django.test import Client

from memberarea.notifications.models import Message
from tests.api.answers import error
from tests.api.test_login import call, newest_code, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.req("API-1")]


def contact_code(to: str) -> str:
    message = next(m for m in Message.objects.order_by("-created_at") if m.to == to and m.template == "contact_code")
    return re.search(r"\b(\d{6})\b", message.body_text).group(1)


@pytest.mark.req("LOGIN-9")
def test_another_sessions_step_up_cannot_be_verified(api, member_account):
    mine = signed_in(api)["access_token"]
    theirs = signed_in(Client())["access_token"]
    login_id = call(api, "post", "/reauthenticate", token=mine).json()["login_id"]
    assert call(api, "post", f"/reauthenticate/{login_id}/send", {"channel": "sms"}, token=mine).status_code == 200
    code = newest_code("+34600000001")
    error(call(api, "post", f"/reauthenticate/{login_id}/verify", {"code": code}, token=theirs), 410, "flow_expired")
    assert call(api, "post", f"/reauthenticate/{login_id}/verify", {"code": code}, token=mine).status_code == 204


@pytest.mark.req("LOGIN-9")
def test_a_contact_change_with_a_stale_session_is_refused(api, member_account, frozen_clock):
    token = signed_in(api)["access_token"]
    body = {"channel": "sms", "value": "+34 699 111 222"}
    change_id = call(api, "put", "/me/contact", body, token=token).json()["change_id"]
    frozen_clock.advance(seconds=settings.STEP_UP_SECONDS)  # the change lives on; the step-up does not
    verify = {"change_id": change_id, "code": contact_code("+34699111222")}
    error(call(api, "put", "/me/contact/verify", verify, token=token), 403, "reauthentication_required")
    error(call(api, "put", "/me/contact", body, token=token), 403, "reauthentication_required")
    assert call(api, "get", "/me", token=token).json()["phone"] == "+34600000001"
    # The stale session is what it hears, even when the change id is not one.
    malformed = {**verify, "change_id": "not-an-id"}
    error(call(api, "put", "/me/contact/verify", malformed, token=token), 403, "reauthentication_required")


@pytest.mark.req("REG-4")
def test_a_contact_change_is_confirmed_only_by_the_session_that_started_it(api, member_account):
    mine = signed_in(api)["access_token"]
    theirs = signed_in(Client())["access_token"]
    body = {"channel": "sms", "value": "+34 699 111 222"}
    change_id = call(api, "put", "/me/contact", body, token=mine).json()["change_id"]
    verify = {"change_id": change_id, "code": contact_code("+34699111222")}
    error(call(api, "put", "/me/contact/verify", verify, token=theirs), 410, "flow_expired")
    assert call(api, "put", "/me/contact/verify", verify, token=mine).status_code == 204
