"""Issue 10, the agent's experience (BO-2..5, UI-1): at 375 and 1280 px, in Spanish and English, an
agent finds Lucía by name, opens her record through the reason gate with a ticket, resends her
welcome (the plain welcome lands in the development outbox, not the re-joiner's), reads the
paginated audit log with the ticket shown and filters it; no raw enum value on the Spanish pages,
and axe-core finds nothing serious."""

import re
import time

import pytest
from playwright.sync_api import Page

from memberarea.core.audit import audit_record
from memberarea.enrollment.models import Membership
from memberarea.enrollment.services import person_account_link
from memberarea.identity.models import Account
from memberarea.identity.services import account_create, account_find
from memberarea.notifications.models import DevOutboxEntry, Message
from tests.browser.keyboard import serious_findings
from tests.enrollment.records import nif

pytestmark = pytest.mark.browser
LUCIA = "MA200101"
LUCIA_EMAIL = "lucia.ferrer@example.invalid"
TICKET = "CS-2026-104"
RAW_VALUES = ["Holder", "Active", "holder", "active", "welcome", "welcome_rejoined", "staff.member_accessed",
              "staff.welcome_resent", "pending", "sent", "email"]  # fmt: skip


def lucia_registered() -> None:
    """Lucía registers after her welcome (as in the issue's walk-through): she is no re-joiner."""
    account = account_create(username=nif("12345678"), password="Lindero7Azul", language="es")
    person = Membership.objects.select_related("person").get(member_number=LUCIA).person
    person_account_link(person=person, account=account, actor_id="system")


def agent_page(signed_in_page, *, language: str, width: int) -> tuple[Page, Account]:
    agent = account_find("DEMO-AGENT")
    Account.objects.filter(pk=agent.pk).update(language=language)
    agent.refresh_from_db()
    return signed_in_page(agent, language=language, width=width)[0], agent


def main_text(page: Page) -> str:
    return page.locator("main").inner_text()


def raw_values(page: Page) -> list[str]:
    text = main_text(page)
    return [raw for raw in RAW_VALUES if re.search(rf"(?<![\w.@-]){re.escape(raw)}(?![\w.@-])", text)]


def delivered(message: Message, timeout: float = 10.0) -> DevOutboxEntry | None:
    """The development outbox's copy of `message`, once the stand-in worker has delivered it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entry = DevOutboxEntry.objects.filter(reference=message.reference).first()
        if entry is not None:
            return entry
        time.sleep(0.2)
    return None


@pytest.mark.req("BO-2")
@pytest.mark.req("BO-3")
@pytest.mark.req("BO-4")
@pytest.mark.req("BO-5")
@pytest.mark.req("UI-1")
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["es", "en"])
def test_an_agent_finds_lucia_resends_her_welcome_and_reads_the_audit_log(
    signed_in_page, live_server, delivering, language, width
):
    lucia_registered()
    page, agent = agent_page(signed_in_page, language=language, width=width)
    page.goto("/members/")
    assert page.url.endswith("/staff/")  # staff land on the back office
    findings = serious_findings(page)

    page.goto("/staff/members/")
    page.fill("#id_q", "lucia ferrer")
    with page.expect_navigation():
        page.press("#id_q", "Enter")
    hits = page.locator(".member-hit")
    assert hits.count() == 1 and "MA200101" in hits.inner_text() and "Lucía" not in hits.inner_text()
    findings += serious_findings(page)

    with page.expect_navigation():
        hits.locator("a").click()
    page.select_option("#id_reason", "member_called")
    page.fill("#id_ticket", TICKET)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "Ferrer Navas" in main_text(page) and TICKET in main_text(page)
    if language == "es":
        assert raw_values(page) == [] and "Titular" in main_text(page)
    findings += serious_findings(page)

    record = page.url
    with page.expect_navigation():
        page.locator("main a[href$='/welcome/']").click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url == record and page.locator(".notice").count() == 1
    message = Message.objects.filter(membership__member_number=LUCIA).order_by("-created_at").first()
    assert message.template == "welcome"  # the plain welcome: Lucía is no re-joiner
    entry = delivered(message)
    assert entry is not None and entry.to == LUCIA_EMAIL and "MA200101" in entry.body_text

    for _ in range(55):  # a long day's work: the log needs two pages
        audit_record(event="device.trusted", actor_id=str(agent.pk), subject_id=str(agent.pk))
    page.goto("/staff/audit/")
    assert page.locator(".audit-entry").count() == 50
    with page.expect_navigation():
        page.locator("a[rel=next]").click()
    assert page.locator(".audit-entry").count() >= 1
    findings += serious_findings(page)

    page.goto("/staff/audit/")
    page.select_option("#id_event", "staff.welcome_resent")
    page.fill("#id_member", "ma-2001-01")
    with page.expect_navigation():
        page.locator("main form.audit-filters button[type=submit]").click()
    entries = page.locator(".audit-entry")
    assert entries.count() == 1 and TICKET in entries.inner_text() and "MA200101" in entries.inner_text()
    assert re.search(r"\(UTC[+-]\d\d:\d\d\)", entries.inner_text())
    if language == "es":
        assert raw_values(page) == []
    findings += serious_findings(page)
    assert findings == []
