"""First-party analytics and the cookie banner (PRIV-6, PRIV-2, PRIV-5): page views counted on the server
only after consent, never under Global Privacy Control, with nothing that tells visitors apart; the
banner's answers are plain form posts recorded as consents."""

import datetime as dt
import threading
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from memberarea.core import clock
from memberarea.core.audit import AuditEntry
from memberarea.enrollment.models import Membership
from memberarea.identity.models import Role
from memberarea.privacy.analytics import page_view_count, page_view_counts_prune
from memberarea.privacy.consent import browser_key_of, consent_set
from memberarea.privacy.cookies import CookieChoice, cookie_choice_read
from memberarea.privacy.models import ActorKind, ConsentMethod, ConsentPurpose, ConsentRecord, PageViewCount
from memberarea.privacy.selectors import choices_current, page_views_per_day
from tests.backoffice.conftest import make_staff
from tests.identity.signing_in import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-6")]
MADRID = ZoneInfo("Europe/Madrid")
CHOICES = "/privacy/cookies/choices/"


def _counts() -> dict[tuple[str, str], int]:
    return {(row.path_template, row.language): row.count for row in PageViewCount.objects.all()}


def _answer(client: Client, choice: str, next_page: str = "/help/", **extra):
    return client.post(CHOICES, {"choice": choice, "next": next_page, **extra})


def _choice(client: Client) -> CookieChoice | None:
    """The browser's answer as the server reads it from the client's cookie."""
    cookie = client.cookies.get(settings.COOKIE_CHOICE_COOKIE)
    request = type("Request", (), {"COOKIES": {cookie.key: cookie.value} if cookie else {}})()
    return cookie_choice_read(request)


def _consent_id(client: Client) -> str:
    choice = _choice(client)
    assert choice is not None
    return choice.consent_id


# --- counting -------------------------------------------------------------------------------------
def test_nothing_is_counted_before_the_visitor_answers():
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    for page in ("/", "/help/", "/help/contact/"):
        assert client.get(page).status_code == 200
    assert _counts() == {}


def test_after_accepting_each_page_view_is_counted_by_route_pattern_and_language():
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    response = _answer(client, "accept")
    assert response.status_code == 302 and response["Location"] == "/help/"
    client.get("/help/")
    client.get("/help/contact/")
    client.get("/help/passwords/")
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    _answer(english, "accept")
    english.get("/")

    assert _counts() == {("help/", "es"): 1, ("help/<slug:topic>/", "es"): 2, ("", "en"): 1}


def test_after_rejecting_nothing_is_counted():
    client = Client()
    _answer(client, "reject")
    client.get("/")
    client.get("/help/")
    assert _counts() == {}


@pytest.mark.req("PRIV-5")
@pytest.mark.parametrize(("header", "counted"), [("1", False), ("0", True), ("true", True), (" 1", True)])
def test_global_privacy_control_stops_counting_even_after_accepting(header, counted):
    client = Client(HTTP_SEC_GPC=header)
    _answer(client, "accept")
    client.get("/help/")
    assert bool(_counts()) is counted


def test_only_successful_html_pages_of_the_site_are_counted(member_account):
    client, _ = signed_in_client(member_account, language="es")
    _answer(client, "accept")
    client.get("/no-such-page/")  # 404
    client.get("/api/v1/brand")  # the API
    client.head("/help/")
    client.get("/health")
    client.get("/members/")  # a redirect to the member's dashboard
    assert _counts() == {}
    membership_id = Membership.objects.get(member_number="M000001").pk
    assert client.get(f"/members/{membership_id}/").status_code == 200
    assert _counts() == {("members/<uuid:member_id>/", "es"): 1}  # the pattern, never the member's id


def test_staff_pages_are_not_counted(db):
    client, _ = signed_in_client(make_staff(Role.PRIVACY_OFFICER))
    _answer(client, "accept")
    assert client.get("/staff/").status_code == 200
    assert _counts() == {}


def test_a_signed_in_member_is_counted_only_while_the_accounts_own_choice_is_given(member_account):
    client, _ = signed_in_client(member_account, language="es")
    _answer(client, "accept")
    client.get("/account/")
    assert _counts() == {("account/", "es"): 1}

    consent_set(
        account=member_account, changes={ConsentPurpose.ANALYTICS: False}, method=ConsentMethod.WEB_FORM, language="es"
    )  # fmt: skip  (withdrawn on the preferences page, say)
    client.get("/account/")
    assert _counts() == {("account/", "es"): 1}


def test_a_visitor_who_did_not_accept_costs_no_query():
    client = Client()
    client.get("/help/")  # warm up: the documents and the session are not what is measured
    with CaptureQueriesContext(connection) as rejected:
        client.get("/help/")
    _answer(client, "accept")
    with CaptureQueriesContext(connection) as accepted:
        client.get("/help/")
    assert not any("privacy_" in query["sql"] for query in rejected.captured_queries)
    assert any("privacy_pageviewcount" in query["sql"] for query in accepted.captured_queries)


def test_the_count_row_holds_no_identifier():
    fields = {field.name for field in PageViewCount._meta.get_fields()}
    assert fields == {"id", "day", "path_template", "language", "count"}


def test_the_day_is_the_insurers_day():
    client = Client()
    _answer(client, "accept")
    with clock.frozen(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)):  # already 1 January in Madrid
        client.get("/")
    assert PageViewCount.objects.get().day == dt.date(2027, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_views_of_a_day_are_all_counted():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is PostgreSQL's")
    day = dt.date(2026, 5, 4)
    barrier = threading.Barrier(4)

    def view() -> None:
        barrier.wait()
        page_view_count(path_template="help/", language="es", day=day)
        connection.close()

    threads = [threading.Thread(target=view) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert PageViewCount.objects.get(day=day).count == 4


def test_page_views_per_day_lists_the_last_30_days_with_zeros():
    today = dt.date(2026, 6, 30)
    page_view_count(path_template="", language="es", day=today)
    page_view_count(path_template="help/", language="en", day=today)
    page_view_count(path_template="", language="es", day=dt.date(2026, 6, 1))
    page_view_count(path_template="", language="es", day=dt.date(2026, 5, 31))  # 31 days ago: outside

    days = page_views_per_day(today=today)
    assert len(days) == 30
    assert days[0] == (dt.date(2026, 6, 1), 1)
    assert days[-1] == (today, 2)
    assert sum(count for _, count in days) == 3


def test_counts_older_than_the_retention_are_pruned(settings):
    settings.ANALYTICS_RETENTION_DAYS = 10
    today = dt.date(2026, 6, 30)
    page_view_count(path_template="", language="es", day=today - dt.timedelta(days=10))
    page_view_count(path_template="", language="es", day=today - dt.timedelta(days=11))
    assert page_view_counts_prune(today=today) == 1
    assert list(PageViewCount.objects.values_list("day", flat=True)) == [today - dt.timedelta(days=10)]


def test_with_analytics_switched_off_there_is_no_banner_no_page_and_no_count(settings):
    settings.ANALYTICS_ENABLED = False
    client = Client()
    assert b"cookie-banner" not in client.get("/").content
    assert _answer(client, "accept").status_code == 404
    assert client.get(CHOICES).status_code == 404
    client.get("/")
    assert _counts() == {}


# --- the banner and the choice ------------------------------------------------------------------
@pytest.mark.req("UI-2")
def test_the_banner_shows_until_the_visitor_answers_with_plain_forms():
    client = Client()
    page = client.get("/help/").content.decode()
    assert 'class="cookie-banner"' in page
    assert f'action="{CHOICES}"' in page
    assert '<button type="submit" name="choice" value="accept" class="button cookie-answer">' in page
    assert '<button type="submit" name="choice" value="reject" class="button cookie-answer">' in page
    assert '<input type="hidden" name="next" value="/help/">' in page
    assert "<script" not in page.split('class="cookie-banner"')[1].split("</section>")[0]

    _answer(client, "reject")
    assert 'class="cookie-banner"' not in client.get("/help/").content.decode()


def test_every_page_links_to_the_cookie_settings_from_its_footer():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _answer(client, "reject")
    footer = client.get("/help/contact/").content.decode().split('class="site-footer"')[1]
    assert f'href="{CHOICES}?next=/help/contact/"' in footer
    assert "Cookie settings" in footer


@pytest.mark.req("PRIV-2")
def test_accepting_writes_one_visitor_consent_record_and_the_same_answer_again_none():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _answer(client, "accept")
    (record,) = ConsentRecord.objects.all()
    assert record.browser_key == browser_key_of(_consent_id(client))
    assert (record.account, record.purpose, record.given) == (None, ConsentPurpose.ANALYTICS, True)
    assert (record.method, record.actor_kind, record.language, record.gpc) == (
        ConsentMethod.WEB_FORM, ActorKind.VISITOR, "en", False,
    )  # fmt: skip
    assert AuditEntry.objects.filter(event="consent_changed", subject_id=record.browser_key).count() == 1

    _answer(client, "accept")
    _answer(client, "save", analytics="yes")
    assert ConsentRecord.objects.count() == 1


@pytest.mark.req("PRIV-2")
def test_withdrawing_writes_one_record_under_the_same_consent_id():
    client = Client()
    _answer(client, "accept")
    first_id = _consent_id(client)
    with clock.frozen(clock.now() + dt.timedelta(minutes=5)):
        _answer(client, "save")  # the checkbox left unticked
    assert _consent_id(client) == first_id
    assert list(ConsentRecord.objects.order_by("at").values_list("given", flat=True)) == [True, False]


@pytest.mark.req("PRIV-2")
def test_a_first_reject_writes_nothing_since_nothing_was_given():
    client = Client()
    _answer(client, "reject")
    assert ConsentRecord.objects.count() == 0
    assert _choice(client) == CookieChoice(analytics=False, consent_id=_consent_id(client))  # answered all the same


@pytest.mark.req("PRIV-2")
def test_signed_in_the_answer_is_also_the_accounts(member_account):
    client, _ = signed_in_client(member_account)
    _answer(client, "accept")
    records = ConsentRecord.objects.order_by("account")
    assert {(r.account_id, bool(r.browser_key), r.given) for r in records} == {
        (None, True, True), (member_account.pk, False, True),
    }  # fmt: skip
    assert choices_current(account=member_account)[ConsentPurpose.ANALYTICS].given is True


@pytest.mark.req("PRIV-5")
def test_under_gpc_the_banner_still_asks_says_the_signal_is_honoured_and_records_it(member_account):
    client, _ = signed_in_client(member_account)
    page = client.get("/help/", HTTP_SEC_GPC="1").content.decode()
    assert 'class="cookie-banner"' in page
    assert "señal Global Privacy Control y la respetamos" in page  # the member's language
    assert "Global Privacy Control" not in client.get("/help/").content.decode()

    client.post(CHOICES, {"choice": "accept", "next": "/help/"}, HTTP_SEC_GPC="1")
    assert set(ConsentRecord.objects.values_list("gpc", flat=True)) == {True}
    client.get("/account/", HTTP_SEC_GPC="1")
    assert _counts() == {}


@pytest.mark.parametrize("target", ["https://example.com/", "//example.com/x", "javascript:alert(1)"])
def test_the_answer_never_sends_the_browser_to_another_site(target):
    response = _answer(Client(), "reject", next_page=target)
    assert response["Location"] == "/"


def test_a_tampered_choice_cookie_counts_as_no_answer():
    client = Client()
    _answer(client, "accept")
    value = client.cookies[settings.COOKIE_CHOICE_COOKIE].value
    client.cookies[settings.COOKIE_CHOICE_COOKIE] = value[:-1] + ("A" if value[-1] != "A" else "B")  # signature off
    assert 'class="cookie-banner"' in client.get("/").content.decode()
    assert _counts() == {}


@pytest.mark.req("UI-1")
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_settings_page_explains_each_category_and_an_unknown_answer_is_refused(language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    page = client.get(CHOICES + "?next=/help/").content.decode()
    assert settings.SESSION_COOKIE_NAME in page and settings.COOKIE_CHOICE_COOKIE in page
    assert 'name="analytics" value="yes"' in page and " checked" not in page
    assert 'class="cookie-banner"' not in page  # the page itself is the longer banner
    refused = client.post(CHOICES, {"choice": "maybe"})
    assert refused.status_code == 400
    assert ConsentRecord.objects.count() == 0
    _answer(client, "save", analytics="yes")
    assert (
        'name="analytics" value="yes" aria-describedby="hint_analytics" checked' in client.get(CHOICES).content.decode()
    )


@pytest.mark.req("UI-2")
@pytest.mark.parametrize("path", ["/", CHOICES])
def test_the_content_security_policy_lets_no_page_load_anything_from_another_site(path):
    """The browser itself refuses a third-party font, script, image or connection (the browser tests watch too)."""
    policy = Client().get(path)["Content-Security-Policy"]
    sources = {source for directive in policy.split(";") for source in directive.split()[1:]}
    assert sources <= {"'self'", "'none'", "data:"}


def test_the_choice_cookie_is_first_party_httponly_and_lax():
    response = _answer(Client(), "reject")
    cookie = response.cookies[settings.COOKIE_CHOICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["domain"]
    assert cookie["max-age"] == settings.COOKIE_CHOICE_AGE


@pytest.mark.req("UI-1")
def test_the_settings_page_opened_from_its_own_footer_still_leads_back_to_where_the_visitor_was():
    """The footer's "Cookie settings" link on the settings page itself names that page as `next`: the
    page keeps the first page instead, so "Back" and saving never return to the settings page."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    nested = CHOICES + "?next=" + quote(CHOICES + "?next=" + quote(CHOICES + "?next=/help/contact/"))
    page = client.get(nested).content.decode()
    assert 'name="next" value="/help/contact/"' in page and 'href="/help/contact/"' in page
    assert client.post(nested, {"choice": "reject"})["Location"] == "/help/contact/"
