"""The "What we hold about you" page and its API operation (PRIV-7, PRIV-8, API-1): the map's summary of
the member chosen, oneself or a minor one is guardian of — the minor's data only."""

import uuid

import pytest
from django.test import Client

from memberarea.core import datamap
from tests.identity.signing_in import app_sign_in, signed_in_client
from tests.members.family import family_add, membership

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-7"), pytest.mark.req("PRIV-8")]


@pytest.fixture
def holder():
    """Member 10 on POL-700 with an account, guardian of member 11 (a minor without one)."""
    return family_add("POL-700", 10, 1)


def _api(account, member_id) -> dict:
    token = app_sign_in(account).access_token
    response = Client().get(f"/api/v1/privacy/members/{member_id}/holdings", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    return response.json()


def _records(summary: dict) -> dict[str, int]:
    return {entry["model"]: entry["records"] for entry in summary["models"]}


@pytest.mark.req("API-1")
def test_the_api_summarises_the_member_and_a_guardian_reaches_the_minor_s_data_only(holder):
    own = _api(holder, membership(10).pk)
    minor = _api(holder, membership(11).pk)

    assert own["member_id"] == str(membership(10).pk)
    assert _records(own)["identity.Account"] == 1 and _records(own)["identity.SessionRecord"] >= 1
    assert _records(minor)["identity.Account"] == 0 and _records(minor)["identity.SessionRecord"] == 0
    assert _records(minor)["enrollment.Membership"] == 1 and _records(minor)["enrollment.Guardianship"] == 1
    assert {entry["category"] for entry in minor["categories"]} >= {datamap.NAME, datamap.DATE_OF_BIRTH}
    assert datamap.CREDENTIAL not in {entry["category"] for entry in minor["categories"]}


@pytest.mark.req("API-1")
def test_another_member_s_id_is_not_found(holder):
    token = app_sign_in(holder).access_token
    for member_id in (uuid.uuid4(), "not-an-id"):
        response = Client().get(f"/api/v1/privacy/members/{member_id}/holdings", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_the_page_shows_each_category_held_with_its_rules_and_the_tables(holder):
    client, _session = signed_in_client(holder, language="en")
    assert client.get("/privacy/data/")["Location"] == f"/privacy/data/{membership(10).pk}/"

    page = client.get(f"/privacy/data/{membership(10).pk}/").content.decode()
    assert "What we hold about you" in page
    for label in ("Contact details", "Identity document", "Credentials (password and code hashes)"):
        assert label in page
    assert "Not included in a copy of your data" in page  # credentials
    assert "<code>identity.SessionRecord</code>" in page and "persona10@example.invalid" not in page


def test_a_guardian_s_page_for_the_minor_lists_no_account_data(holder):
    client, _session = signed_in_client(holder, language="en")
    page = client.get(f"/privacy/data/{membership(11).pk}/").content.decode()
    assert "<code>enrollment.Membership</code>" in page
    assert "<code>identity.Account</code>" not in page and "Credentials (password" not in page
    assert client.get(f"/privacy/data/{uuid.uuid4()}/").status_code == 404
