"""Mobiles are shown as people read them (UI-2): grouped digits on the member's pages and the staff
record, never a run of twelve figures; masked values stay masked."""

import pytest
from django.template import Context, Template

from tests.identity.signing_in import signed_in_client


def shown(value: object) -> str:
    return Template("{% load phone_numbers %}{{ value|phone }}").render(Context({"value": value}))


@pytest.mark.req("UI-2")
@pytest.mark.parametrize(
    ("stored", "read"),
    [
        ("+34611222333", "+34 611 22 23 33"),
        ("+447911123456", "+44 7911 123456"),
        ("••• ••• •33", "••• ••• •33"),
        ("+34", "+34"),
        ("", ""),
        (None, "None"),
    ],
)
def test_a_stored_mobile_is_grouped_and_anything_else_left_alone(stored, read):
    assert shown(stored) == read


@pytest.mark.req("AREA-1")
@pytest.mark.django_db
def test_the_account_page_and_the_dashboard_group_the_mobile(member_account):
    client, _ = signed_in_client(member_account)
    account_page = client.get("/account/").content.decode()
    dashboard = client.get("/members/", follow=True).content.decode()
    for page in (account_page, dashboard):
        assert "+34 600 00 00 01" in page and "+34600000001" not in page
