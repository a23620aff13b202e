"""BO-1, UI-1: staff land on the back office (not the member account page), the header takes them
there, every label of the staff pages is translated, and deactivating an employee ends their
sessions — the registry rows end and the app tokens stop working even if the account came back."""

import re

import pytest
from django.test import Client

from memberarea.backoffice.services import staff_deactivate
from memberarea.identity.models import Account, Role
from memberarea.identity.sessions import app_session_for_access_token
from memberarea.notifications.models import Message
from tests.backoffice.conftest import STAFF_PASSWORD, client_for, member_one, open_record
from tests.identity.signing_in import app_sign_in, ended, is_signed_in, signed_in_client

RAW_VALUES = ["Holder", "Active", "holder", "active", "username_reminder", "login_code", "staff.member_accessed",
              "pending", "Waiting to be sent", "NIF (DNI) ", "Spouse or partner"]  # fmt: skip


def visible_text(html: str) -> str:
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.req("BO-1")
def test_staff_sign_in_lands_on_the_back_office(staff):
    agent = staff[Role.AGENT]
    browser = Client()
    assert browser.post("/sign-in/", {"username": agent.username, "password": STAFF_PASSWORD})["Location"] == (
        "/sign-in/code/"
    )
    browser.post("/sign-in/code/", {"channel": "email"})
    message = Message.objects.filter(template="login_code").latest("created_at")
    code = re.search(r"\b(\d{6})\b", message.body_text).group(1)
    assert browser.post("/sign-in/code/", {"code": code})["Location"] == "/staff/"


@pytest.mark.req("BO-1")
@pytest.mark.req("UI-1")
def test_the_header_leads_staff_to_their_landing_with_what_their_role_can_do(staff):
    for role in Role:
        client = client_for(staff[role])
        home = client.get("/staff/").content.decode()
        assert 'href="/staff/" aria-current="true"' in home and 'href="/members/"' not in home
        assert client.get("/members/")["Location"] == "/staff/"  # not silently the member account page
        assert ('href="/staff/staff/"' in home) is (role == Role.ADMINISTRATOR)
        assert ('href="/staff/deliveries/"' in home) is (role in (Role.AGENT, Role.SECURITY_OFFICER))
        assert ('href="/staff/members/"' in home) is (role != Role.MARKETING)  # BO-1: marketing never searches


@pytest.mark.req("UI-1")
@pytest.mark.req("BO-2")
def test_staff_pages_in_spanish_show_no_raw_enum_value(member_account, staff):
    client = client_for(staff[Role.AGENT])
    open_record(client, member_one())
    client.post(f"/staff/members/{member_one().pk}/welcome/", {"reason": "member_called", "ticket": "CS-1"})
    pages = ["/staff/", "/staff/members/?q=M-000001", f"/staff/members/{member_one().pk}/", "/staff/audit/",
             "/staff/deliveries/"]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200 and 'lang="es"' in response.content.decode()
        text = visible_text(response.content.decode())
        assert [raw for raw in RAW_VALUES if re.search(rf"(?<![\w.]){re.escape(raw)}(?![\w.])", text)] == [], url
    record = visible_text(client.get(f"/staff/members/{member_one().pk}/").content.decode())
    assert "Titular" in record and "En vigor" in record and "Bienvenida" in record


@pytest.mark.req("BO-1")
def test_deactivating_an_employee_ends_their_sessions_not_only_their_sign_in(staff):
    agent, admin = staff[Role.AGENT], staff[Role.ADMINISTRATOR]
    browser, record = signed_in_client(agent)
    tokens = app_sign_in(agent)
    staff_deactivate(actor=admin, account=agent)
    assert ended(record) == "staff_deactivated" and ended(tokens.session) == "staff_deactivated"
    # Even with the account active again, the old browser session and app token stay dead.
    Account.objects.filter(pk=agent.pk).update(is_active=True)
    assert app_session_for_access_token(tokens.access_token) is None
    assert not is_signed_in(browser)
