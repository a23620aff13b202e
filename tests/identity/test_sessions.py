"""The session registry (LOGIN-5): browser idle and absolute limits, app token rotation with reuse
detection, the registry's list and its end actions, and pruning. Also holds the sign-in helpers the
other session tests use: those are in tests/identity/signing_in.py."""

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from memberarea.core.errors import MemberAreaError
from memberarea.core.jobs import JOBS
from memberarea.core.models import AuditEntry
from memberarea.identity import sessions
from memberarea.identity.errors import TOKEN_REUSED
from memberarea.identity.jobs import prune_sessions
from memberarea.identity.models import RetiredRefreshToken, SessionRecord, TrustedDevice
from tests.core.conftest import run_together
from tests.identity.registering import error_code
from tests.identity.signing_in import (
    APP_AGENT,
    CHROME_ANDROID,
    FIREFOX_WINDOWS,
    PAGE,
    app_sign_in,
    ended,
    is_signed_in,
    other_member,
    session_sign_in,
    signed_in_client,
    trusted_device,
)


@pytest.fixture
def english():
    """Labels are made in the active language; these tests read them in English."""
    with translation.override("en"):
        yield


def sessionrecord_updates(queries) -> int:
    return sum(1 for query in queries if query["sql"].startswith('UPDATE "identity_sessionrecord"'))


# --- browser sessions ---------------------------------------------------------------------------
@pytest.mark.req("LOGIN-5")
def test_a_browser_session_ends_after_30_idle_minutes(member_account, frozen_clock):
    client, record = signed_in_client(member_account)
    for _ in range(3):  # use every 29 minutes keeps it alive well past 30 minutes in total
        frozen_clock.advance(minutes=29)
        assert is_signed_in(client)
    frozen_clock.advance(seconds=settings.SESSION_IDLE_SECONDS)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{settings.LOGIN_URL}?next={PAGE}"
    assert ended(record) == "idle"
    assert not is_signed_in(client)  # the Django session is gone too


@pytest.mark.req("LOGIN-5")
def test_a_browser_session_ends_after_12_hours_however_active(member_account, frozen_clock):
    client, record = signed_in_client(member_account)
    for _ in range(12 * 60 // 20 - 1):
        frozen_clock.advance(minutes=20)
        assert is_signed_in(client)
    frozen_clock.advance(minutes=20)  # 12 hours after sign-in
    assert not is_signed_in(client)
    assert ended(record) == "expired"


@pytest.mark.req("LOGIN-5")
def test_last_seen_is_written_at_most_once_a_minute(member_account, frozen_clock):
    client, record = signed_in_client(member_account)
    started = record.last_seen_at
    frozen_clock.advance(seconds=59)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert is_signed_in(client)
    assert sessionrecord_updates(queries) == 0
    record.refresh_from_db()
    assert record.last_seen_at == started
    frozen_clock.advance(seconds=1)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert is_signed_in(client)
    assert sessionrecord_updates(queries) == 1
    record.refresh_from_db()
    assert record.last_seen_at == started + dt.timedelta(minutes=1)


@pytest.mark.req("LOGIN-5")
def test_ending_a_session_from_one_browser_signs_the_other_out_on_its_next_request(member_account):
    first, first_record = signed_in_client(member_account)
    second, second_record = signed_in_client(member_account, user_agent=CHROME_ANDROID)
    assert is_signed_in(first) and is_signed_in(second)
    assert sessions.session_end(account=member_account, session_id=second_record.pk, actor=member_account) == "session"
    assert not is_signed_in(second)
    assert is_signed_in(first)
    assert ended(second_record) == "ended_by_member" and ended(first_record) == ""


@pytest.mark.req("LOGIN-5")
def test_a_browser_signed_in_without_a_registry_entry_is_signed_out(member_account):
    client = Client()
    client.force_login(member_account)  # a session made before the registry existed
    assert not is_signed_in(client)


@pytest.mark.req("LOGIN-5")
@pytest.mark.parametrize("entry", ["another_accounts_browser", "own_app_session"])
def test_a_browser_whose_session_names_an_entry_not_its_own_browsers_is_signed_out(member_account, entry):
    """The registry entry is read by its id alone (a prepared read, decision 0048); whose it is and
    its kind are checked after: another account's live entry, or an app session, signs out."""
    client, _ = signed_in_client(member_account)
    if entry == "another_accounts_browser":
        _, named = signed_in_client(other_member())
    else:
        named = SessionRecord.objects.get(
            access_token_hash=sessions.token_digest(app_sign_in(member_account).access_token)
        )
    session = client.session
    session[sessions.BROWSER_SESSION_KEY] = str(named.pk)
    session.save()
    assert not is_signed_in(client)
    assert ended(named) == ""  # the entry named is not someone else's to end


@pytest.mark.req("LOGIN-5")
def test_a_session_ended_by_a_password_change_signs_the_browser_out(member_account):
    client, record = signed_in_client(member_account)
    sessions.account_sessions_end(account=member_account, reason="password_changed")
    assert not is_signed_in(client)
    assert ended(record) == "password_changed"  # the reason that ended it stays


@pytest.mark.req("LOGIN-5")
def test_signing_out_ends_the_registry_entry(member_account):
    client, record = signed_in_client(member_account)
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert ended(record) == "signed_out"
    assert not is_signed_in(client)


@pytest.mark.req("LOGIN-5")
def test_signing_in_gives_a_new_session_id(member_account):
    session = Client().session  # a visitor's session, saved before signing in
    before = session.session_key
    session_sign_in(session, member_account)
    assert session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()
    record = SessionRecord.objects.get(account=member_account)
    assert session[sessions.BROWSER_SESSION_KEY] == str(record.pk)


# --- app sessions -------------------------------------------------------------------------------
@pytest.mark.req("LOGIN-5")
def test_a_refresh_rotates_both_tokens_and_retires_the_old_refresh_token(member_account, frozen_clock, settings):
    first = app_sign_in(member_account)
    frozen_clock.advance(minutes=10)
    second = sessions.app_session_refresh(refresh_token=first.refresh_token)
    assert second.session.pk == first.session.pk
    assert {second.access_token, second.refresh_token}.isdisjoint({first.access_token, first.refresh_token})
    assert second.expires_at == frozen_clock.at + dt.timedelta(seconds=settings.APP_ACCESS_TOKEN_SECONDS)
    assert sessions.app_session_for_access_token(first.access_token) is None
    assert sessions.app_session_for_access_token(second.access_token).pk == first.session.pk
    assert RetiredRefreshToken.objects.filter(token_hash=sessions.token_digest(first.refresh_token)).exists()
    record = SessionRecord.objects.get()
    assert record.last_seen_at == frozen_clock.at
    assert first.refresh_token not in str(record.__dict__)  # only hashes are stored


@pytest.mark.req("LOGIN-5")
@pytest.mark.parametrize("change", [{"is_active": False}, {"frozen_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}])
def test_an_access_token_of_an_account_that_may_no_longer_be_used_is_refused(member_account, change):
    """Checked on the account read apart from the entry (decision 0048), even where nothing ended the
    entry itself."""
    tokens = app_sign_in(member_account)
    assert sessions.app_session_for_access_token(tokens.access_token).account == member_account
    type(member_account).objects.filter(pk=member_account.pk).update(**change)
    assert sessions.app_session_for_access_token(tokens.access_token) is None
    assert sessions.app_session_for_access_token(tokens.refresh_token) is None  # never an access token


@pytest.mark.req("LOGIN-5")
def test_an_access_token_lives_15_minutes(member_account, frozen_clock, settings):
    tokens = app_sign_in(member_account)
    frozen_clock.advance(seconds=settings.APP_ACCESS_TOKEN_SECONDS - 1)
    assert sessions.app_session_for_access_token(tokens.access_token) is not None
    frozen_clock.advance(seconds=1)
    assert sessions.app_session_for_access_token(tokens.access_token) is None


@pytest.mark.req("LOGIN-5")
def test_presenting_a_retired_refresh_token_ends_the_session(member_account):
    first = app_sign_in(member_account)
    second = sessions.app_session_refresh(refresh_token=first.refresh_token)
    assert error_code(sessions.app_session_refresh, refresh_token=first.refresh_token) == "token_reused"
    assert ended(first.session) == "token_reused"
    assert sessions.app_session_for_access_token(second.access_token) is None
    assert error_code(sessions.app_session_refresh, refresh_token=second.refresh_token) == "unauthenticated"
    entry = AuditEntry.objects.filter(event="session.ended").get()
    assert entry.subject_id == str(first.session.pk) and entry.data == {"reason": "token_reused"}
    assert TOKEN_REUSED.status == 401


@pytest.mark.req("LOGIN-5")
def test_an_unknown_refresh_token_is_unauthenticated(member_account):
    app_sign_in(member_account)
    assert error_code(sessions.app_session_refresh, refresh_token="not-a-token") == "unauthenticated"
    assert error_code(sessions.app_session_refresh, refresh_token="") == "unauthenticated"
    assert SessionRecord.objects.get().ended_at is None


@pytest.mark.req("LOGIN-5")
def test_an_app_session_ends_after_30_idle_days(member_account, frozen_clock, settings):
    tokens = app_sign_in(member_account)
    frozen_clock.advance(days=settings.APP_SESSION_IDLE_DAYS, seconds=-1)
    tokens = sessions.app_session_refresh(refresh_token=tokens.refresh_token)
    frozen_clock.advance(days=settings.APP_SESSION_IDLE_DAYS)
    assert error_code(sessions.app_session_refresh, refresh_token=tokens.refresh_token) == "unauthenticated"
    assert ended(tokens.session) == "idle"


@pytest.mark.req("LOGIN-5")
def test_an_app_session_ends_after_90_days_however_active(member_account, frozen_clock, settings):
    tokens = app_sign_in(member_account)
    for _ in range(settings.APP_SESSION_ABSOLUTE_DAYS // 15 - 1):
        frozen_clock.advance(days=15)
        tokens = sessions.app_session_refresh(refresh_token=tokens.refresh_token)
    frozen_clock.advance(days=15)  # 90 days after sign-in
    assert error_code(sessions.app_session_refresh, refresh_token=tokens.refresh_token) == "unauthenticated"
    assert ended(tokens.session) == "expired"


@pytest.mark.req("LOGIN-5")
def test_an_access_token_of_an_idle_or_ended_session_is_refused(member_account, frozen_clock):
    tokens = app_sign_in(member_account)
    SessionRecord.objects.filter(pk=tokens.session.pk).update(
        last_seen_at=frozen_clock.at - dt.timedelta(days=settings.APP_SESSION_IDLE_DAYS)
    )
    assert sessions.app_session_for_access_token(tokens.access_token) is None
    fresh = app_sign_in(member_account)
    assert sessions.app_session_end(session=fresh.session, reason="signed_out")
    assert not sessions.app_session_end(session=fresh.session, reason="signed_out")  # once
    assert sessions.app_session_for_access_token(fresh.access_token) is None


@pytest.mark.req("LOGIN-5")
def test_access_token_use_writes_last_seen_at_most_once_a_minute(member_account, frozen_clock):
    tokens = app_sign_in(member_account)
    frozen_clock.advance(seconds=30)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert sessions.app_session_for_access_token(tokens.access_token) is not None
    assert sessionrecord_updates(queries) == 0
    frozen_clock.advance(seconds=30)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert sessions.app_session_for_access_token(tokens.access_token) is not None
    assert sessionrecord_updates(queries) == 1
    assert SessionRecord.objects.get().last_seen_at == frozen_clock.at


@pytest.mark.req("LOGIN-5")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_refreshes_of_one_token_make_exactly_one_success(member_account):
    tokens = app_sign_in(member_account)

    def refresh(_: int) -> str:
        try:
            sessions.app_session_refresh(refresh_token=tokens.refresh_token)
        except MemberAreaError as error:
            return error.code
        return "refreshed"

    results = run_together(20, refresh)
    assert results.count("refreshed") == 1
    assert set(results) - {"refreshed"} == {"token_reused"}  # a loser cannot tell a retry from a replay
    assert ended(tokens.session) == "token_reused"
    assert AuditEntry.objects.filter(event="session.ended", subject_id=str(tokens.session.pk)).count() == 1
    assert RetiredRefreshToken.objects.count() == 1


# --- the registry -------------------------------------------------------------------------------
@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-6")
def test_the_registry_lists_this_device_then_the_most_recent_first(member_account, frozen_clock, english):
    _, browser = signed_in_client(member_account)
    frozen_clock.advance(minutes=5)
    device = trusted_device(member_account, at=frozen_clock.at)
    frozen_clock.advance(minutes=5)
    app = app_sign_in(member_account)
    gone = app_sign_in(member_account)
    sessions.app_session_end(session=gone.session, reason="signed_out")
    signed_in_client(other_member())  # another member's session is not listed

    with CaptureQueriesContext(connection) as queries:
        entries = sessions.sessions_for(member_account, current_session_id=str(browser.pk))
    assert len(queries) == 2
    assert [(entry.id, entry.kind, entry.device, entry.current) for entry in entries] == [
        (browser.pk, "browser", "Firefox on Windows", True),
        (app.session.pk, "app", "Ejemplia Salud app on Android", False),
        (device.pk, "trusted_device", "Chrome on Android", False),
    ]
    assert entries[0].network == "192.0.2.0/24" and entries[0].created_at == browser.created_at
    assert (entries[0].browser, entries[0].system) == ("Firefox", "Windows")


@pytest.mark.req("LOGIN-5")
def test_the_registry_leaves_out_idle_and_expired_sessions(member_account, frozen_clock):
    signed_in_client(member_account)
    app = app_sign_in(member_account)
    frozen_clock.advance(seconds=settings.SESSION_IDLE_SECONDS)
    assert [entry.id for entry in sessions.sessions_for(member_account)] == [app.session.pk]


@pytest.mark.req("LOGIN-5")
def test_another_members_session_cannot_be_ended(member_account):
    other = other_member()
    _, theirs = signed_in_client(other)
    their_app = app_sign_in(other)
    their_device = trusted_device(other, at=theirs.created_at)
    for entry_id in (theirs.pk, their_app.session.pk, their_device.pk, uuid.uuid4()):  # a malformed id: the edges' test
        assert error_code(sessions.session_end, account=member_account, session_id=entry_id, actor=member_account) == (
            "not_found"
        )
    assert ended(theirs) == "" and ended(their_app.session) == ""
    their_device.refresh_from_db()
    assert their_device.revoked_at is None


@pytest.mark.req("LOGIN-5")
@pytest.mark.req("LOGIN-6")
def test_ending_a_trusted_device_entry_revokes_it_once(member_account, frozen_clock):
    device = trusted_device(member_account, at=frozen_clock.at)
    assert sessions.session_end(account=member_account, session_id=device.pk, actor=member_account) == (
        "trusted_device"
    )
    device.refresh_from_db()
    assert device.revoked_at == frozen_clock.at
    assert error_code(sessions.trusted_device_revoke, account=member_account, device_id=device.pk) == "not_found"
    assert AuditEntry.objects.filter(event="device.revoked", subject_id=str(device.pk)).count() == 1


@pytest.mark.req("LOGIN-5")
def test_end_all_others_keeps_this_session_and_this_trusted_device(member_account, frozen_clock):
    client, current = signed_in_client(member_account)
    other_browser, _ = signed_in_client(member_account, user_agent=CHROME_ANDROID)
    app = app_sign_in(member_account)
    mine, elsewhere = (trusted_device(member_account, at=frozen_clock.at) for _ in range(2))
    count = sessions.sessions_end_others(account=member_account, keep=current, keep_device=mine)
    assert count == 3  # the other browser, the app and the other trusted device
    assert [entry.id for entry in sessions.sessions_for(member_account)] in (
        [current.pk, mine.pk],
        [mine.pk, current.pk],
    )
    assert is_signed_in(client) and not is_signed_in(other_browser)
    assert sessions.app_session_for_access_token(app.access_token) is None
    elsewhere.refresh_from_db()
    assert elsewhere.revoked_at is not None
    entry = AuditEntry.objects.get(event="session.ended_others")
    assert entry.data == {"count": 2, "devices": 1, "reason": "ended_by_member"}


@pytest.mark.req("LOGIN-5")
@pytest.mark.parametrize(
    ("user_agent", "kind", "label"),
    [
        (FIREFOX_WINDOWS, "browser", "Firefox on Windows"),
        (CHROME_ANDROID, "browser", "Chrome on Android"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "browser",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "browser",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Safari/605.1.15",
            "browser",
            "Safari on macOS",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "browser", "Firefox on Linux"),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "browser",
            "Samsung Internet on Android",
        ),
        ("curl/8.5.0", "browser", "Unknown browser"),
        ("", "browser", "Unknown browser"),
        ("Something (Windows NT 10.0)", "browser", "A browser on Windows"),
        (APP_AGENT, "app", "Ejemplia Salud app on Android"),
        ("okhttp/4.12", "app", "Ejemplia Salud app"),
    ],
)
def test_device_labels_name_the_browser_and_system(user_agent, kind, label, english):
    assert sessions.device_label(user_agent, kind) == label


# --- pruning ------------------------------------------------------------------------------------
@pytest.mark.req("LOGIN-5")
def test_pruning_deletes_what_ended_or_expired_30_days_ago(member_account, frozen_clock):
    _, browser = signed_in_client(member_account)  # expires after 12 hours
    app = app_sign_in(member_account)
    refreshed = sessions.app_session_refresh(refresh_token=app.refresh_token)
    sessions.app_session_end(session=refreshed.session, reason="signed_out")
    revoked = trusted_device(member_account, at=frozen_clock.at)
    sessions.trusted_device_revoke(account=member_account, device_id=revoked.pk)
    Session.objects.update(expire_date=frozen_clock.at + dt.timedelta(days=30))
    frozen_clock.advance(days=30, seconds=-1)
    assert prune_sessions() == "0 sessions, 0 trusted devices, 0 expired browser sessions deleted"
    kept = app_sign_in(member_account)
    live_device = trusted_device(member_account, at=frozen_clock.at)
    frozen_clock.advance(hours=12, seconds=2)
    assert prune_sessions() == "2 sessions, 1 trusted devices, 1 expired browser sessions deleted"
    assert list(SessionRecord.objects.values_list("pk", flat=True)) == [kept.session.pk]
    assert not RetiredRefreshToken.objects.exists()
    assert list(TrustedDevice.objects.values_list("pk", flat=True)) == [live_device.pk]
    assert not Session.objects.exists()
    assert not SessionRecord.objects.filter(pk=browser.pk).exists()


@pytest.mark.req("LOGIN-5")
def test_the_pruning_job_is_registered_hourly():
    assert JOBS["prune_sessions"].every == dt.timedelta(hours=1)
