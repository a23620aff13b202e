"""The step-up page needs the browser's live registry entry; without one it asks for a sign-in."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from memberarea.web.views.account import confirm


@pytest.mark.req("LOGIN-9")
def test_step_up_without_a_live_session_entry_sends_to_sign_in_instead_of_failing(member_account):
    # A signed-in user whose registry entry is gone (the middleware found none): no flow can start.
    request = RequestFactory().get("/account/confirm/?next=/account/contact/")
    request.user = member_account
    request.session = SessionStore()
    request.session_record = None
    response = confirm(request)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=/account/confirm/")
