"""The "Your sessions and devices" page (LOGIN-5, LOGIN-6, UI-2): both kinds listed, and every button a
plain POST form, so the page works without JavaScript."""

import re
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from memberarea.identity.models import Account, TrustedDevice
from memberarea.identity.sessions import app_session_for_access_token
from tests.identity.signing_in import (
    CHROME_ANDROID,
    PAGE,
    app_sign_in,
    ended,
    is_signed_in,
    other_member,
    signed_in_client,
    trusted_device,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(member_account):
    """The registered member, reading the site in English (a signed-in page follows the account's language)."""
    Account.objects.filter(pk=member_account.pk).update(language="en")
    member_account.refresh_from_db()
    return member_account


def forms(html: str) -> dict[str, str]:
    """{action: button text} of every POST form of the page's main part."""
    main = html.split('<main id="main"', 1)[1]
    found = re.findall(r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrfmiddlewaretoken"[^>]*>'
                       r'.*?<button type="submit"[^>]*>([^<]+)</button>', main, flags=re.S)  # fmt: skip
    return dict(found)


@pytest.mark.req("LOGIN-5")
def test_the_page_needs_a_signed_in_member():
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"] == f"{settings.LOGIN_URL}?next={PAGE}"


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-6")
@pytest.mark.req("UI-2")
def test_the_page_lists_both_kinds_and_a_post_button_for_each(member, frozen_clock):
    client, browser = signed_in_client(member)
    device = trusted_device(member, at=frozen_clock.at)
    app = app_sign_in(member)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Firefox on Windows" in html and "Chrome on Android" in html and "Ejemplia Salud app" in html
    assert "this device" in html and "192.0.2.0/24" in html
    assert forms(html) == {
        f"/account/sessions/{app.session.pk}/end/": "End this session",
        f"/account/sessions/{device.pk}/end/": "Forget this device",
        f"/account/sessions/{browser.pk}/end/": "Sign out here",
        "/account/sessions/end-others/": "End all other sessions",
    }
    assert "<script" not in html.split('<main id="main"', 1)[1]
    assert 'href="/account/sessions/" aria-current="page"' in html  # the header link


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("UI-2")
def test_ending_another_session_from_the_page(member):
    client, _ = signed_in_client(member)
    phone, phone_record = signed_in_client(member, user_agent=CHROME_ANDROID)
    response = client.post(f"/account/sessions/{phone_record.pk}/end/", follow=True)
    assert response.redirect_chain == [("/account/sessions/", 302)]
    assert "The session has ended" in response.content.decode()
    assert ended(phone_record) == "ended_by_member"
    assert not is_signed_in(phone) and is_signed_in(client)


@pytest.mark.req("LOGIN-6")
@pytest.mark.req("UI-2")
def test_forgetting_a_trusted_device_from_the_page(member, frozen_clock):
    client, _ = signed_in_client(member)
    device = trusted_device(member, at=frozen_clock.at)
    response = client.post(f"/account/sessions/{device.pk}/end/", follow=True)
    assert "The device has been forgotten" in response.content.decode()
    device.refresh_from_db()
    assert device.revoked_at is not None
    assert "Forget this device" not in response.content.decode()


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("UI-2")
def test_ending_all_other_sessions_from_the_page(member, frozen_clock):
    client, current = signed_in_client(member)
    phone, _ = signed_in_client(member, user_agent=CHROME_ANDROID)
    app = app_sign_in(member)
    trusted_device(member, at=frozen_clock.at)
    response = client.post("/account/sessions/end-others/", follow=True)
    html = response.content.decode()
    assert "3 other sessions and devices have been ended." in html
    assert "End all other sessions" not in html  # nothing else is left
    assert not is_signed_in(phone) and app_session_for_access_token(app.access_token) is None
    assert ended(current) == "" and is_signed_in(client)


@pytest.mark.req("LOGIN-5")
def test_ending_this_browsers_own_session_signs_it_out(member):
    client, record = signed_in_client(member)
    response = client.post(f"/account/sessions/{record.pk}/end/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert ended(record) == "signed_out"
    assert not is_signed_in(client)


@pytest.mark.req("LOGIN-5")
def test_another_members_session_is_404_and_nothing_ends(member, frozen_clock):
    client, _ = signed_in_client(member)
    other = other_member()
    _, theirs = signed_in_client(other)
    their_device = trusted_device(other, at=frozen_clock.at)
    for entry_id in (theirs.pk, their_device.pk, uuid.uuid4()):
        assert client.post(f"/account/sessions/{entry_id}/end/").status_code == 404
    assert client.post("/account/sessions/not-a-uuid/end/").status_code == 404
    assert ended(theirs) == "" and TrustedDevice.objects.get(pk=their_device.pk).revoked_at is None


@pytest.mark.req("LOGIN-5")
def test_the_actions_take_only_posts(member):
    client, record = signed_in_client(member)
    assert client.get(f"/account/sessions/{record.pk}/end/").status_code == 405
    assert client.get("/account/sessions/end-others/").status_code == 405
    assert client.post(PAGE).status_code == 405
    assert ended(record) == ""


@pytest.mark.req("LOGIN-5")
def test_the_actions_need_the_csrf_token(member):
    client, record = signed_in_client(member)
    client.handler.enforce_csrf_checks = True
    assert client.post(f"/account/sessions/{record.pk}/end/").status_code == 403
    assert client.post("/account/sessions/end-others/").status_code == 403
    assert ended(record) == ""


@pytest.mark.req("LOGIN-5")
def test_the_page_costs_the_same_queries_however_many_sessions(member, frozen_clock):
    client, _ = signed_in_client(member)
    client.get(PAGE)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    few = page_queries()
    for _ in range(5):
        app_sign_in(member)
        trusted_device(member, at=frozen_clock.at)
    assert page_queries() == few


@pytest.mark.req("LOGIN-5")
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_header_links_to_the_page_for_signed_in_members_only(member, language):
    client, _ = signed_in_client(member, language=language)
    assert 'href="/account/sessions/"' in client.get("/").content.decode()
    assert 'href="/account/sessions/"' not in Client(HTTP_ACCEPT_LANGUAGE=language).get("/").content.decode()
