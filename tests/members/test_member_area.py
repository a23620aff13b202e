"""The member area's pages and the one access check behind them (GUARD-1..3, AREA-1, UI-2)."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from memberarea.core import clock
from memberarea.identity.models import Account
from memberarea.members.access import members_for
from memberarea.members.selectors import account_profile, member_dashboard
from tests.enrollment.records import import_members, member_row
from tests.identity.signing_in import signed_in_client
from tests.members.family import account_for, child_add, family_add, membership

MADRID_CET = dt.timezone(dt.timedelta(hours=1))  # Madrid in winter, before the March change of hour


def dashboard_of(number: int) -> str:
    return f"/members/{membership(number).pk}/"


@pytest.mark.req("GUARD-1")
@pytest.mark.req("AREA-1")
def test_members_goes_to_the_own_dashboard_with_the_selector(member_account):
    client, _ = signed_in_client(member_account)
    response = client.get("/members/")
    assert response.status_code == 302 and response["Location"] == dashboard_of(1)

    page = client.get(dashboard_of(1)).content.decode()
    assert '<nav class="member-selector"' in page
    assert f'<a href="{dashboard_of(1)}" aria-current="page">Yo (Nombre)</a>' in page  # the account speaks Spanish
    assert f'<a href="{dashboard_of(3)}">Nombre</a>' in page  # the child, by first name
    assert "POL100" in page and "Titular Ficticio" in page and "M000001" in page
    assert "persona1@example.invalid" in page
    assert '<a href="/members/"' in page  # "Member area" in the header


@pytest.mark.req("GUARD-1")
@pytest.mark.req("AREA-1")
def test_the_guardian_sees_the_childs_dashboard_and_contacts(member_account):
    client, _ = signed_in_client(member_account)
    page = client.get(dashboard_of(3)).content.decode()
    assert "M000003" in page and "Apellido 3" in page
    assert f'<a href="{dashboard_of(3)}" aria-current="page">Nombre</a>' in page
    assert "Calle Falsa 123" in page  # a guardian sees the child's details as on record


@pytest.mark.req("GUARD-3")
def test_another_adult_on_the_policy_and_other_policies_get_not_found(member_account):
    spouse = account_for(2)
    client, _ = signed_in_client(spouse)
    for path in (dashboard_of(3), f"{dashboard_of(3)}card/", f"{dashboard_of(3)}card.pdf", dashboard_of(1)):
        assert client.get(path).status_code == 404, path
    assert [access.membership.member_number for access in members_for(spouse)] == ["M000002"]

    abroad, _ = signed_in_client(account_for(4))
    for path in (dashboard_of(3), f"{dashboard_of(3)}card/", f"{dashboard_of(3)}card.pdf", dashboard_of(1)):
        assert abroad.get(path).status_code == 404, path
    assert abroad.get("/members/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.req("GUARD-3")
def test_a_guardian_on_another_policy_gets_not_found(member_account):
    """A guardianship recorded across policies gives nothing: the minor must be on the guardian's policy."""
    import_members([member_row(9, policy_number="POL-INT", relationship="holder")])
    outsider = account_for(9)
    client, _ = signed_in_client(outsider)
    assert client.get(dashboard_of(3)).status_code == 404


@pytest.mark.req("GUARD-1")
def test_signed_out_visitors_are_sent_to_sign_in(enrolled):
    for path in ("/members/", dashboard_of(3), f"{dashboard_of(3)}card/", f"{dashboard_of(3)}card.pdf"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{settings.LOGIN_URL}?next={path}"


@pytest.mark.req("GUARD-2")
@pytest.mark.parametrize(
    ("born", "last_minute"),
    [
        ("2008-03-20", dt.datetime(2026, 3, 19, 23, 59, tzinfo=MADRID_CET)),  # an ordinary birthday
        ("2008-02-29", dt.datetime(2026, 2, 28, 23, 59, tzinfo=MADRID_CET)),  # of age on 1 March
    ],
)
def test_guardian_access_ends_at_the_start_of_the_18th_birthday_in_madrid(member_account, born, last_minute):
    with clock.frozen(last_minute - dt.timedelta(days=40)):
        child = child_add(6, born)
    client, _ = signed_in_client(member_account)
    path = f"/members/{child.pk}/"
    with clock.frozen(last_minute):
        assert client.get(path).status_code == 200
        assert f'href="{path}"' in client.get(dashboard_of(1)).content.decode()
    with clock.frozen(last_minute + dt.timedelta(minutes=1)) as midnight:
        assert midnight.at.astimezone(dt.UTC).hour == 23  # 00:00 in Madrid is still the day before in UTC
        assert client.get(path).status_code == 404
        assert client.get(f"{path}card.pdf").status_code == 404
        assert f'href="{path}"' not in client.get(dashboard_of(1)).content.decode()
        assert child.pk not in [access.membership.pk for access in members_for(member_account)]


@pytest.mark.req("AREA-1")
@pytest.mark.req("GUARD-2")
def test_notices_tell_the_guardian_and_the_member_on_hold(member_account):
    with clock.frozen(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC)):
        child_add(6, "2008-02-01", first_name="Marta")
    with clock.frozen(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC)):
        Account.objects.filter(pk=member_account.pk).update(
            contact_hold_until=clock.now() + dt.timedelta(days=7), language="en"
        )
        member_account.refresh_from_db()
        notices = member_dashboard(actor=member_account, member_id=membership(1).pk)["notices"]
    assert [notice["code"] for notice in notices] == ["minor_coming_of_age", "contact_hold"]
    assert notices[0]["date"] == dt.date(2026, 2, 1)
    assert notices[0]["message"].startswith("Marta cumple 18 años")  # in the account's language
    assert notices[1]["date"] == dt.date(2026, 1, 17)
    with clock.frozen(dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC)):  # 32 days before the birthday: not yet
        notices = member_dashboard(actor=member_account, member_id=membership(1).pk)["notices"]
    assert [notice["code"] for notice in notices] == ["contact_hold"]
    with clock.frozen(dt.datetime(2026, 1, 18, 12, tzinfo=dt.UTC)):  # the hold is over
        notices = member_dashboard(actor=member_account, member_id=membership(1).pk)["notices"]
    assert [notice["code"] for notice in notices] == ["minor_coming_of_age"]


@pytest.mark.req("AREA-1")
def test_the_dashboards_queries_do_not_grow_with_the_family(enrolled, frozen_clock):
    small, large = family_add("POL-Q2", 20, 1), family_add("POL-Q8", 40, 7)
    counts = []
    for account, holder in ((small, 20), (large, 40)):
        client, _ = signed_in_client(account)
        path = dashboard_of(holder)
        assert client.get(path).status_code == 200  # the session's first request records its use
        with CaptureQueriesContext(connection) as queries:
            page = client.get(path)
        assert page.status_code == 200
        counts.append(len(queries))
    assert len(members_for(large)) == 8
    assert counts[0] == counts[1]


@pytest.mark.req("API-1")
@pytest.mark.req("GUARD-1")
def test_the_account_profile_lists_the_minors(member_account):
    members = account_profile(member_account)["members"]
    assert [(m["member_id"], m["relationship"], m["is_self"]) for m in members] == [
        (str(membership(1).pk), "holder", True),
        (str(membership(3).pk), "child", False),
    ]
