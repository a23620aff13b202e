"""BO-1: every staff page against every role — allowed, 403 for staff without the role, 404 for members,
sign-in for visitors — and staff sign in with the same two steps, their codes going to their work email."""

import pytest
from django.conf import settings
from django.test import Client

from memberarea.identity.contacts import account_contacts, account_verified_contacts
from memberarea.identity.flows.login import login_start
from memberarea.identity.models import Role
from tests.backoffice.conftest import STAFF_PASSWORD, client_for, member_one, open_record
from tests.identity.signing_in import signed_in_client

A, P, S, D, M = Role.AGENT, Role.PRIVACY_OFFICER, Role.SECURITY_OFFICER, Role.ADMINISTRATOR, Role.MARKETING
ALL = {A, P, S, D, M}
# (page, roles allowed) — the BO-1 table, row by row. "{m}" is member 1's membership id.
PAGES = [
    ("/staff/", ALL),
    ("/staff/members/?q=M-000001", {A, P, S, D}),
    ("/staff/members/{m}/", {A, P, S}),
    ("/staff/members/{m}/username/", {A}),
    ("/staff/members/{m}/contact/", {A}),
    ("/staff/members/{m}/welcome/", {A}),
    ("/staff/members/{m}/unlock/", {A, S}),
    ("/staff/members/{m}/sessions/", {A, S}),
    ("/staff/members/{m}/freeze/", {S}),
    ("/staff/audit/", ALL),
    ("/staff/deliveries/", {A, S}),
    ("/staff/analytics/", {P, D}),
    ("/staff/staff/", {D}),
    ("/staff/documents/", {P}),
    ("/staff/documents/notice/publish/", {P}),
    ("/staff/privacy/processing/", {P}),
    ("/staff/privacy/processing.csv", {P}),
    ("/staff/privacy/processing.pdf", {P}),
    ("/staff/privacy/retention/", {P}),
]


def _url(page: str) -> str:
    return page.format(m=member_one().pk)


@pytest.mark.req("BO-1")
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("page", "allowed"), PAGES, ids=[page for page, _ in PAGES])
def test_each_page_answers_only_the_roles_of_the_bo1_table(member_account, staff, role, page, allowed):
    client = client_for(staff[role])
    if "{m}/" in page and page.count("/") > 4 and role in {A, P, S}:
        open_record(client, member_one())  # the action pages ask for the record's reason first
    response = client.get(_url(page))
    assert response.status_code == (200 if role in allowed else 403), response.status_code


@pytest.mark.req("BO-1")
@pytest.mark.parametrize(("page", "allowed"), PAGES, ids=[page for page, _ in PAGES])
def test_members_get_404_and_visitors_are_sent_to_sign_in(member_account, page, allowed):
    url = _url(page)
    member, _ = signed_in_client(member_account)
    assert member.get(url).status_code == 404
    visitor = Client().get(url)
    assert visitor.status_code == 302
    assert visitor["Location"].startswith(settings.LOGIN_URL)


@pytest.mark.req("BO-1")
def test_staff_sign_in_with_a_second_step_to_their_work_email(staff):
    agent = staff[A]
    assert account_contacts(agent).email == "agent@example.invalid"
    assert account_verified_contacts(agent) == [("email", "agent@example.invalid", "")]
    flow = login_start(
        username="STAFF-AGENT", password=STAFF_PASSWORD, captcha=None, address="192.0.2.1", kind="browser"
    )
    assert flow.account_id == agent.pk


@pytest.mark.req("BO-1")
def test_the_account_page_links_staff_to_the_back_office(staff, member_account):
    assert b'href="/staff/"' in client_for(staff[A]).get("/account/").content
    assert b'href="/staff/"' not in signed_in_client(member_account)[0].get("/account/").content


@pytest.mark.req("BO-1")
def test_action_buttons_show_only_for_the_roles_allowed(member_account, staff):
    links = {}
    for role in (A, P, S):
        client = client_for(staff[role])
        open_record(client, member_one())
        record = _url("/staff/members/{m}/")
        body = client.get(record).content.decode()
        links[role] = {name for name in ("username", "contact", "welcome", "unlock", "sessions", "freeze")
                       if f'href="{record}{name}/"' in body}  # fmt: skip
    assert links == {
        A: {"username", "contact", "welcome", "unlock", "sessions"},
        P: set(),
        S: {"unlock", "sessions", "freeze"},
    }


@pytest.mark.req("BO-1")
def test_marketing_can_neither_search_nor_open_a_record_nor_read_others_in_the_audit_log(member_account, staff):
    marketing = client_for(staff[M])
    assert marketing.get("/staff/members/?q=M-000001").status_code == 403
    assert open_record(marketing, member_one()).status_code == 403
    assert marketing.get(_url("/staff/members/{m}/")).status_code == 403
    open_record(client_for(staff[A]), member_one())  # an agent's access: not marketing's to read
    audit = marketing.get("/staff/audit/").content.decode()
    assert "M000001" not in audit and staff[A].username not in audit
