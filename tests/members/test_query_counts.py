"""The member pages issue a constant number of queries as members and records grow (PERF-3).

Two families, one small and one large (more minors on the policy, more consent records, more
sessions): each page costs the holder of either the same number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from memberarea.privacy.consent import consent_set
from memberarea.privacy.models import ConsentMethod, ConsentPurpose
from tests.identity.signing_in import app_sign_in, signed_in_client
from tests.members.family import family_add, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PERF-3")]


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
    assert counts["/members/<id>/"] > 3  # the page itself was served, not a redirect to sign in
    assert _queries(large, 200) == counts
