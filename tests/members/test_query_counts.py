"""The member pages issue a constant number of queries as members and records grow (PERF-3).

Two families, one small and one large (more minors on the policy, more consent records, more
sessions): each page costs the holder of either the same number of queries. The dashboard's own
count is pinned exactly, and a plain view of it reads only: the session is not rewritten and the
session registry is not touched, while the page keeps its content, headers and CSRF tokens."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from memberarea.privacy.consent import consent_set
from memberarea.privacy.models import ConsentMethod, ConsentPurpose
from tests.identity.signing_in import app_sign_in, signed_in_client
from tests.members.family import family_add, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PERF-3")]

# The dashboard's statements: the session, the account (with whether it holds a staff role), the
# session-registry entry, the account's memberships (with whether it is a guardian at all), and
# for a guardian the minors (PERF-3, 2026-12-05; docs/performance.md).
DASHBOARD_QUERIES = {"member": 4, "guardian": 5}


def _family(policy: str, holder: int, *, children: int, records: int):
    account = family_add(policy, holder, children)
    for turn in range(records):
        consent_set(
            account=account,
            changes={ConsentPurpose.SURVEYS: turn % 2 == 0},
            method=ConsentMethod.WEB_FORM,
            language="en",
        )
        app_sign_in(account)
    return account


def _pages(holder: int) -> list[str]:
    member = membership(holder).pk
    return [
        "/members/",
        f"/members/{member}/",
        "/privacy/",
        f"/privacy/data/{member}/",
        "/privacy/preferences/",
    ]


def _queries(account, holder: int) -> dict[str, int]:
    client, _ = signed_in_client(account, language="en")
    counts = {}
    for path in _pages(holder):
        client.get(path)  # first visit: per-session work (language, notices) out of the way
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == (302 if path == "/members/" else 200), (path, response.status_code)
        counts[path.replace(str(membership(holder).pk), "<id>")] = len(queries)
    return counts


def test_each_member_page_costs_the_same_queries_for_a_small_and_a_large_family():
    small = _family("POL-810", 100, children=1, records=1)
    large = _family("POL-820", 200, children=6, records=12)

    counts = _queries(small, 100)
    assert counts["/members/<id>/"] == DASHBOARD_QUERIES["guardian"]
    assert _queries(large, 200) == counts


def test_the_dashboard_of_a_member_who_is_no_guardian_is_spared_the_minors_query():
    alone = _family("POL-830", 300, children=0, records=3)
    assert _queries(alone, 300)["/members/<id>/"] == DASHBOARD_QUERIES["member"]


@pytest.mark.req("AREA-1")
@pytest.mark.req("LOGIN-5")
@pytest.mark.req("OPS-2")
def test_a_plain_view_of_the_dashboard_writes_nothing_and_keeps_its_content_and_headers():
    account = _family("POL-840", 400, children=1, records=1)
    client, _ = signed_in_client(account, language="en")
    path = f"/members/{membership(400).pk}/"
    client.get(path)  # first visit: per-session work out of the way
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)

    statements = [query["sql"].lstrip().split(None, 1)[0].upper() for query in queries.captured_queries]
    assert set(statements) == {"SELECT"}, statements  # neither the session nor the registry rewritten
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    page = response.content.decode()
    holder, minor = membership(400), membership(401)
    for shown in (holder.member_number, holder.policy.number, minor.first_name):
        assert shown in page
    assert page.count('name="csrfmiddlewaretoken"') >= 2  # sign-out and language forms
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
