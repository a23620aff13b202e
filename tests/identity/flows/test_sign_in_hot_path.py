"""The app's second step on its hot path (PERF-2, decision 0045): `/send` and `/verify` stay at their
lower number of database statements, and what they do is all still done — the code is single-use and
a wrong one counted, the session registered, the notice in force recorded and asked about, and every
audit entry chained in order."""

import json
import os

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from memberarea.core.audit import audit_verify
from memberarea.core.models import AuditEntry
from memberarea.identity import sign_in
from memberarea.identity.models import LoginFlow, LoginState, Role, SessionKind, SessionRecord, VerificationCode
from tests.api.answers import error
from tests.backoffice.conftest import make_staff
from tests.identity.registering import HOLDER_NIF, PASSWORD
from tests.privacy.publishing import publish
from tests.web.test_sign_in_pages import code_for

pytestmark = [pytest.mark.django_db, pytest.mark.req("PERF-2")]

EMAIL = "persona1@example.invalid"
DEVICE = {"HTTP_X_DEVICE_ID": "hot-path-device-0001"}  # known after the first sign-in: no new-device email
SIGN_IN_EVENTS = ["login.completed", "session.started", "notice.in_force_at_sign_in"]
BACKENDS = [
    pytest.param("database", id="database"),
    pytest.param(
        "redis",
        id="redis",
        marks=pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: tested in CI"),
    ),
]


def post(client: Client, path: str, body: dict):
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json", **DEVICE)


def password_step(client: Client) -> str:
    answer = post(client, "/login", {"username": HOLDER_NIF, "password": PASSWORD})
    assert answer.status_code == 201
    return answer.json()["login_id"]


def code_sent(client: Client) -> str:
    """A flow whose code went by email; returns its id."""
    login_id = password_step(client)
    assert post(client, f"/login/{login_id}/send", {"channel": "email"}).status_code == 200
    return login_id


def verify(client: Client, login_id: str, code: str):
    return post(client, f"/login/{login_id}/verify", {"code": code})


def signed_in(client: Client) -> dict:
    """A complete sign-in through the app API; returns the answer of /verify."""
    login_id = code_sent(client)
    answer = verify(client, login_id, code_for(EMAIL))
    assert answer.status_code == 201
    return answer.json()


def statements(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        call()
    return [query["sql"] for query in queries.captured_queries]


def entries_after(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def newest_seq() -> int:
    newest = AuditEntry.objects.order_by("-seq").first()
    return newest.seq if newest else 0


@pytest.fixture
def client(member_account) -> Client:
    """The app on a device it signed in on before (the sign-ins measured are repeat ones, as most are)."""
    app = Client()
    signed_in(app)
    return app


@pytest.mark.req("LOGIN-3")
@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_sending_the_code_is_eleven_statements_on_the_database_backend(backend, client):
    """The flow with its account, the contacts, the daily code counter (one upsert; in Redis on that
    backend), the code row (read for the resend rules, then written), the message, the flow's
    state, and two savepoints."""
    login_id = password_step(client)
    sent = statements(lambda: post(client, f"/login/{login_id}/send", {"channel": "email"}))
    assert len(sent) == (11 if backend == "database" else 10), sent


@pytest.mark.req("LOGIN-3", "LOGIN-5")
def test_verifying_the_code_is_fifteen_statements_with_one_audit_head_read_and_update(client):
    """The flow, the code (read, try, spend), then one transaction without inner savepoints: the
    flow completed, the last sign-in, the known device, the session, the notice in force and its
    acknowledgement (read once for the record and the answer), and the three audit entries in one
    insert between one head read and one head update (31 before)."""
    login_id = code_sent(client)
    code = code_for(EMAIL)
    verified = statements(lambda: verify(client, login_id, code))
    assert len(verified) == 15, verified
    audit = [sql.split(" ", 1)[0] for sql in verified if "core_audit" in sql]
    assert audit == ["SELECT", "INSERT", "UPDATE"], verified


@pytest.mark.req("LOGIN-5", "BO-5", "PRIV-1")
def test_a_sign_in_chains_its_three_entries_in_order_and_registers_its_session(client, member_account):
    before = newest_seq()
    tokens = signed_in(client)
    entries = entries_after(before)
    assert [entry.event for entry in entries] == SIGN_IN_EVENTS
    assert [entry.seq for entry in entries] == list(range(before + 1, before + 4))
    assert list(audit_verify()) == [], "every link and the head hold"

    session = SessionRecord.objects.get(pk=entries[1].subject_id)
    assert (session.account, session.kind, session.ended_at) == (member_account, SessionKind.APP, None)
    assert entries[2].subject_id == str(session.pk)
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert me.status_code == 200, "the tokens answered open the registered session"


@pytest.mark.req("PRIV-1")
def test_a_new_notice_is_still_asked_about_and_recorded_until_acknowledged(client):
    version = publish(make_staff(Role.PRIVACY_OFFICER))
    before = newest_seq()
    login_id = code_sent(client)
    code = code_for(EMAIL)
    with CaptureQueriesContext(connection) as queries:
        tokens = verify(client, login_id, code).json()
    assert tokens["notice_to_acknowledge"]["version"] == version.number
    notice_reads = [query for query in queries.captured_queries if 'FROM "privacy_documentversion"' in query["sql"]]
    assert len(notice_reads) == 1, "the record and the answer share one read of the notice in force"
    assert entries_after(before)[-1].data == {"number": version.number, "acknowledged": False}

    acknowledged = Client().post(
        "/api/v1/privacy/notices/notice/acknowledgement",
        json.dumps({"version": version.number}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}",
    )
    assert acknowledged.status_code == 201
    before = newest_seq()
    assert signed_in(client)["notice_to_acknowledge"] is None
    assert entries_after(before)[-1].data == {"number": version.number, "acknowledged": True}
    assert list(audit_verify()) == []


@pytest.mark.req("LOGIN-3")
def test_the_code_is_single_use_and_a_wrong_one_is_counted(client):
    login_id = code_sent(client)
    code = code_for(EMAIL)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    sessions = SessionRecord.objects.count()
    before = newest_seq()

    error(verify(client, login_id, wrong), 400, "invalid_code")
    assert VerificationCode.objects.get(flow_id=login_id).attempts == 1, "the wrong try stays counted"
    assert (SessionRecord.objects.count(), newest_seq()) == (sessions, before), "a wrong code signs nobody in"

    assert verify(client, login_id, code).status_code == 201
    error(verify(client, login_id, code), 410, "flow_expired")  # the flow completes once
    assert SessionRecord.objects.count() == sessions + 1
    assert [entry.event for entry in entries_after(before)] == SIGN_IN_EVENTS


@pytest.mark.req("LOGIN-5", "BO-5")
def test_a_sign_in_that_fails_after_the_code_leaves_no_completed_flow_session_or_entry(client, monkeypatch):
    """The completion, the session and the hooks commit together or not at all."""

    def failing_hook(**_):
        raise RuntimeError("a sign-in hook failed")

    monkeypatch.setattr(sign_in, "SIGNED_IN", [*sign_in.SIGNED_IN, failing_hook])
    login_id = code_sent(client)
    sessions, before = SessionRecord.objects.count(), newest_seq()
    with pytest.raises(RuntimeError):
        verify(client, login_id, code_for(EMAIL))
    assert LoginFlow.objects.get(pk=login_id).state == LoginState.CODE_SENT
    assert (SessionRecord.objects.count(), newest_seq()) == (sessions, before)
    assert list(audit_verify()) == []
