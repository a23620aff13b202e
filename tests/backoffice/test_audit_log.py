"""BO-5, BO-1: the audit log page — 50 entries a page, filtered by member, staff member, event and
dates through a validated GET form, every event by a translated name, the ticket reference of the
access an action was done under, insurer's time with its offset; agents read their own actions only."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import memberarea
from memberarea.core.audit import audit_record
from memberarea.core.dates import datetime_with_offset
from memberarea.core.labels import EVENT_LABELS, MESSAGE_LABELS
from memberarea.identity.models import Role
from tests.backoffice.conftest import REASON, client_for, member_one, open_record

ENTRY = 'class="session-entry audit-entry"'
SRC = Path(memberarea.__file__).parent
FILE_SUFFIXES = {"html", "txt", "py", "json", "css", "js", "pdf", "csv", "svg", "png", "mo", "po"}


def page(account, **filters):
    return client_for(account).get("/staff/audit/", filters)


def noise(actor, count: int, *, event: str = "session.started") -> None:
    for _ in range(count):
        audit_record(event=event, actor_id=str(actor.pk), subject_id=str(actor.pk))


def events_written_in_src() -> set[str]:
    """Every audit event code in src/: the literals passed as `event=`, and every literal of the same
    "namespace.name" form under one of their namespaces (constants, conditional expressions)."""
    text = "\n".join(path.read_text() for path in SRC.rglob("*.py") if "migrations" not in path.parts)
    direct = set(re.findall(r'event="([a-z_]+(?:\.[a-z_]+)?)"', text))
    namespaces = {code.split(".")[0] for code in direct}
    literals = set(re.findall(r'"([a-z_]+)\.([a-z_]+)"', text))
    return direct | {f"{ns}.{name}" for ns, name in literals if ns in namespaces and name not in FILE_SUFFIXES}


@pytest.mark.req("BO-5")
def test_every_event_written_anywhere_has_a_human_name():
    written = events_written_in_src()
    assert {"staff.member_accessed", "member.guardian_ending_sent", "login.stepped_up"} <= written  # the scan works
    assert sorted(written - set(EVENT_LABELS)) == []


@pytest.mark.req("BO-3")
@pytest.mark.req("UI-1")
def test_every_message_template_has_a_human_name():
    templates = {path.parent.name for path in SRC.glob("*/templates/notifications/*/body.txt")}
    assert templates and sorted(templates - set(MESSAGE_LABELS)) == []


@pytest.mark.req("BO-5")
@pytest.mark.req("UI-1")
def test_event_names_are_translated():
    with translation.override("en"):
        english = {code: str(label) for code, label in EVENT_LABELS.items()}
    with translation.override("es"):
        assert [code for code, label in EVENT_LABELS.items() if str(label) == english[code]] == []


@pytest.mark.req("BO-5")
def test_fifty_entries_a_page_newest_first_with_links_that_keep_the_filters(staff):
    admin = staff[Role.ADMINISTRATOR]
    noise(admin, 120, event="device.trusted")
    first = page(admin, event="device.trusted")
    assert first.content.decode().count(ENTRY) == 50
    body = first.content.decode()
    assert "?event=device.trusted&amp;page=2" in body and 'rel="prev"' not in body
    last = page(admin, event="device.trusted", page=3).content.decode()
    assert last.count(ENTRY) == 20 and 'rel="next"' not in last
    assert page(admin, event="device.trusted", page=99).content.decode().count(ENTRY) == 20  # the last page


@pytest.mark.req("BO-5")
def test_queries_do_not_grow_with_the_entries_on_a_page(member_account, staff):
    admin = staff[Role.ADMINISTRATOR]
    client = client_for(admin)
    noise(admin, 3)
    open_record(client_for(staff[Role.AGENT]), member_one())
    client.get("/staff/audit/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get("/staff/audit/").status_code == 200
    noise(admin, 60)
    for _ in range(5):
        open_record(client_for(staff[Role.AGENT]), member_one())
    with CaptureQueriesContext(connection) as many:
        assert client.get("/staff/audit/").content.decode().count(ENTRY) == 50
    assert len(many) == len(few)


@pytest.mark.req("BO-4")
@pytest.mark.req("BO-5")
def test_the_ticket_of_the_reason_gate_is_shown_with_the_reason_and_the_member_number(member_account, staff):
    agent = client_for(staff[Role.AGENT])
    open_record(agent, member_one(), ticket="CS-7781")
    agent.post(f"/staff/members/{member_one().pk}/welcome/", {**REASON, "ticket": "CS-7782"})
    body = page(staff[Role.AGENT]).content.decode()
    assert "CS-7781" in body and "CS-7782" in body
    assert "M000001" in body and staff[Role.AGENT].username in body
    with translation.override("es"):
        assert f"<strong>{EVENT_LABELS['staff.member_accessed']}</strong>" in body and "<strong>staff." not in body
        assert "El asegurado nos ha llamado o escrito" in body  # the reason's label, translated


@pytest.mark.req("BO-5")
@pytest.mark.req("BO-1")
def test_filters_by_member_number_staff_member_event_and_days(member_account, staff, frozen_clock):
    agent, security = staff[Role.AGENT], staff[Role.SECURITY_OFFICER]
    open_record(client_for(agent), member_one())
    frozen_clock.advance(days=2)
    open_record(client_for(security), member_one())
    noise(security, 2, event="device.trusted")
    admin = staff[Role.ADMINISTRATOR]

    def count(**filters) -> int:
        response = page(admin, **filters)
        assert response.status_code == 200
        return response.content.decode().count(ENTRY)

    assert count(member="m-000001", event="staff.member_accessed") == 2  # typed any way
    assert count(actor=str(security.pk), event="device.trusted") == 2
    assert count(actor=str(security.pk)) == count(actor=str(security.pk), event="session.started") + 3
    assert count(event="staff.member_accessed", since="2026-03-04") == 1
    assert count(event="staff.member_accessed", until="02/03/2026") == 1
    assert count(event="staff.member_accessed", since="2026-03-02", until="2026-03-04") == 2
    # an agent's "staff member" filter does not exist: they read their own actions only (BO-1)
    own = page(agent, actor=str(security.pk), event="staff.member_accessed").content.decode()
    assert own.count(ENTRY) == 1 and security.username not in own


@pytest.mark.req("BO-5")
@pytest.mark.req("UI-2")
@pytest.mark.parametrize(
    ("filters", "field", "spanish"),
    [
        ({"since": "2026-31-12"}, "since", "Escriba la fecha como día/mes/año"),
        ({"since": "2026-03-05", "until": "2026-03-01"}, "until", "La fecha final no puede ser anterior"),
        ({"event": "no.such_event"}, "event", "Elija una de las opciones"),
        ({"actor": "someone"}, "actor", "Elija una de las opciones"),
    ],
)
def test_invalid_filters_are_refused_with_translated_messages(staff, filters, field, spanish):
    client = client_for(staff[Role.ADMINISTRATOR])
    client.post("/language/", {"language": "es"})
    response = client.get("/staff/audit/", filters, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert field in response.context["field_errors"]
    assert spanish in response.content.decode()
    assert ENTRY not in response.content.decode()


@pytest.mark.req("BO-5")
def test_times_are_the_insurers_with_their_offset():
    with translation.override("es"):
        assert datetime_with_offset(dt.datetime(2026, 12, 4, 16, 5, tzinfo=dt.UTC)) == "04/12/2026 17:05 (UTC+01:00)"
        assert datetime_with_offset(dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)) == "02/07/2026 00:30 (UTC+02:00)"
    with translation.override("en"):
        assert (
            datetime_with_offset(dt.datetime(2026, 12, 4, 16, 5, tzinfo=dt.UTC)) == "4 December 2026, 17:05 (UTC+01:00)"
        )
    assert datetime_with_offset(None) == ""


@pytest.mark.req("BO-5")
def test_the_record_links_to_the_audit_entries_about_the_member(member_account, staff):
    client = client_for(staff[Role.SECURITY_OFFICER])
    open_record(client, member_one())
    record = client.get(f"/staff/members/{member_one().pk}/").content.decode()
    link = re.search(r'href="(/staff/audit/\?member=[^"]+)"', record).group(1)
    assert link == "/staff/audit/?member=M000001"
    entries = client.get(link.replace("&amp;", "&")).content.decode().count(ENTRY)
    assert entries >= 2  # the opening just now, and the member's own registration
