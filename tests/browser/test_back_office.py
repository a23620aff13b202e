"""An agent changes Daniel Ortega's username from his NIE to a NIF in the back office, keyboard only
(BO-2, UI-2): find him, give the reason and ticket, open the record, change the document. axe-core
checks every page, in Spanish and English."""

import pytest
from playwright.sync_api import Page

from memberarea.enrollment.models import Membership
from memberarea.enrollment.services import person_account_link
from memberarea.identity.models import Account
from memberarea.identity.services import account_create, account_find
from tests.browser.keyboard import serious_findings, tab_to, type_into
from tests.enrollment.records import nif

pytestmark = pytest.mark.browser
DANIEL_NIE = "Y2468135L"
DANIEL_NIF = nif("45678912")


def daniel_registered() -> Account:
    """Daniel's account, linked to his person as registration would link it."""
    account = account_create(username=DANIEL_NIE, password="Lindero7Azul", language="en")
    person = Membership.objects.select_related("person").get(member_number="MA200102").person
    person_account_link(person=person, account=account, actor_id="system")
    return account


def agent_page(signed_in_page, *, language: str) -> Page:
    agent = account_find("DEMO-AGENT")
    Account.objects.filter(pk=agent.pk).update(language=language)
    agent.refresh_from_db()
    return signed_in_page(agent, language=language)[0]


def submit(page: Page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.req("BO-2")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize("language", ["es", "en"])
def test_an_agent_changes_a_nie_to_a_nif_with_the_keyboard(signed_in_page, live_server, demo, language):
    daniel = daniel_registered()
    page = agent_page(signed_in_page, language=language)
    page.goto("/account/")
    submit(page, "main a[href='/staff/']")
    findings = serious_findings(page)

    submit(page, "nav a[href='/staff/members/']")
    type_into(page, "#id_q", "ma-2001-02")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".member-hit").count() == 1
    assert "Ortega" not in page.locator("main").inner_text()  # masked: initials only
    findings += serious_findings(page)

    submit(page, ".member-hit a")
    findings += serious_findings(page)
    tab_to(page, "#id_reason")
    page.keyboard.press("ArrowDown")  # the first reason of the list
    type_into(page, "#id_ticket", "CS-2026-77")
    submit(page, "main form button[type=submit]")
    assert "Ortega Ruiz" in page.locator("main").inner_text()
    findings += serious_findings(page)

    record = page.url
    submit(page, f"a[href='{record[len(live_server.url) :]}username/']")
    findings += serious_findings(page)
    tab_to(page, "#id_document_type_nif")
    page.keyboard.press("Space")
    type_into(page, "#id_document_number", DANIEL_NIF)
    submit(page, "main form button[type=submit]")
    assert page.url == record
    assert page.locator(".notice").count() == 1
    findings += serious_findings(page)

    daniel.refresh_from_db()
    assert daniel.username == DANIEL_NIF
    assert account_find(DANIEL_NIE) is None
    assert findings == []
