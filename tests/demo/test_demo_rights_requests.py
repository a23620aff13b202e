"""The demo and rights requests (PRIV-8): nothing is pre-made — Lucía makes her requests herself — and the
demo privacy officer reaches the queue from the back office's home page."""

import io

import pytest
from django.core.management import call_command

from memberarea.identity.services import account_find
from memberarea.privacy.request_models import RightsRequest
from tests.identity.signing_in import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-8")]


def test_the_demo_officer_reaches_an_empty_queue_from_the_home_page():
    call_command("demo_load", stdout=io.StringIO())
    assert not RightsRequest.objects.exists()
    client = signed_in_client(account_find("DEMO-PRIVACY"))[0]
    assert 'href="/staff/privacy/requests/"' in client.get("/staff/").content.decode()
    assert client.get("/staff/privacy/requests/").status_code == 200
