"""BO-2: staff find a member by name (whole words, accents and case ignored, any order), by email or
by mobile typed any way — through keyed hashes only — with masked results, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from memberarea.backoffice.selectors import members_search
from memberarea.enrollment.models import NameToken
from memberarea.enrollment.names import names_index_rebuild
from memberarea.identity.models import Role
from tests.backoffice.conftest import client_for
from tests.enrollment.records import database_dump, import_members, import_policies, member_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def lucia(db):
    import_policies()
    import_members(
        [
            member_row(1, first_name="Lucía", last_name="Ferrer Navas", email="lucia.f@example.invalid",
                       mobile="+34 612 34 56 78"),
            member_row(2, first_name="Lucas", last_name="Ferrero Nadal"),
            member_row(3, first_name="Álvaro", last_name="Ferrer Núñez"),
            member_row(4, first_name="María José", last_name="Ortega-Ruiz"),
        ]
    )  # fmt: skip


def numbers(query: str) -> list[str]:
    return [hit.member_number for hit in members_search(query)]


@pytest.mark.req("BO-2")
@pytest.mark.parametrize(
    "query", ["lucia ferrer", "LUCÍA FERRER", "ferrer lucia", "Lucia Navas", " lucía  ferrer  navas ", "navas, lucía"]
)
def test_a_name_is_found_whatever_the_accents_case_and_order(lucia, query):
    assert numbers(query) == ["M000001"]


@pytest.mark.req("BO-2")
def test_every_word_typed_must_match(lucia):
    assert numbers("ferrer navas") == ["M000001"]
    assert numbers("alvaro ferrer") == ["M000003"]
    assert numbers("lucia ferrer nunez") == []  # one word is another member's
    assert numbers("maria jose ortega ruiz") == numbers("jose ortega") == ["M000004"]  # hyphens split words


@pytest.mark.req("BO-2")
@pytest.mark.parametrize("query", ["luc ferr", "lucia ferr", "ferrer", "lucía"])
def test_partial_words_and_a_single_word_find_nobody(lucia, query):
    """Whole words only, at least two of them: a search cannot be used to browse by a common surname."""
    assert numbers(query) == []


@pytest.mark.req("BO-2")
@pytest.mark.parametrize("query", ["lucia.f@example.invalid", "  lucia.f@EXAMPLE.invalid "])
def test_an_email_is_found_whatever_the_case_of_its_domain(lucia, query):
    assert numbers(query) == ["M000001"]


@pytest.mark.req("BO-2")
@pytest.mark.parametrize("query", ["+34612345678", "612 34 56 78", "612-345-678", "+34 612 345 678", "(+34) 612345678"])
def test_a_mobile_is_found_typed_any_way(lucia, query):
    assert numbers(query) == ["M000001"]


@pytest.mark.req("BO-2")
def test_the_results_page_is_masked_and_says_how_to_search_by_name(lucia, staff):
    client = client_for(staff[Role.AGENT])
    page = client.get("/staff/members/", {"q": "lucia ferrer"}).content.decode()
    assert "M000001" in page and "L. F." in page
    assert "Lucía" not in page and "lucia.f@example.invalid" not in page and "612 34 56 78" not in page
    hint = client.get("/staff/members/", {"q": "ferrer"}).context["name_too_short"]
    assert hint is True


@pytest.mark.req("BO-2")
@pytest.mark.parametrize("query", ["lucia ferrer", "lucia.f@example.invalid", "612345678", "M-000001"])
def test_a_search_is_one_query(lucia, query):
    with CaptureQueriesContext(connection) as queries:
        members_search(query)
    assert len(queries) == 1


@pytest.mark.req("OPS-3")
@pytest.mark.req("BO-2")
def test_the_name_index_holds_no_name_in_clear(lucia):
    """The index stores keyed hashes only: no normalised word ("lucia", "ferrer") is in the database."""
    tokens = list(NameToken.objects.values_list("token", flat=True))
    assert tokens and all(len(token) == 64 and set(token) <= set("0123456789abcdef") for token in tokens)
    dump = database_dump()
    assert [word for word in ("lucia", "ferrer", "navas", "alvaro", "nunez", "maria jose") if word in dump] == []


@pytest.mark.req("BO-2")
def test_renamed_members_are_reindexed_and_the_backfill_rebuilds_the_index(lucia):
    import_members([member_row(1, first_name="Lucía", last_name="Ferrer Vidal", email="lucia.f@example.invalid",
                               mobile="+34 612 34 56 78")])  # fmt: skip
    assert numbers("lucia navas") == [] and numbers("lucia vidal") == ["M000001"]
    NameToken.objects.all().delete()
    assert names_index_rebuild(chunk_size=3) == 4
    assert numbers("lucia vidal") == ["M000001"] and numbers("alvaro nunez") == ["M000003"]
