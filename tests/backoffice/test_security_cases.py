"""The security officer's list of open cases (PRIV-13, BO-1): oldest first, with how long each has
waited, linked to the member's record behind the reason gate; nobody else sees it."""

import datetime as dt

import pytest

from memberarea.identity.freeze import account_freeze
from memberarea.identity.models import Role, SecurityCase
from tests.backoffice.conftest import client_for, member_one

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-13")]


def test_open_cases_show_their_age_reason_and_a_link_to_the_record(member_account, staff, frozen_clock):
    account_freeze(account=member_account, reason=SecurityCase.Reason.COMPROMISED, actor_id=str(member_account.pk))
    frozen_clock.advance(minutes=3 * 24 * 60 + 60)
    officer = staff[Role.SECURITY_OFFICER]
    officer.language = "en"
    officer.save(update_fields=["language"])

    page = client_for(officer).get("/staff/security/cases/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "1 open case" in page and "3\xa0days, 1\xa0hour" in page
    assert "The member said the account may be compromised" in page
    assert f'href="/staff/members/{member_one().pk}/"' in page


def test_a_closed_case_leaves_the_list(member_account, staff, frozen_clock):
    account_freeze(account=member_account, reason=SecurityCase.Reason.NOT_ME, actor_id=str(member_account.pk))
    SecurityCase.objects.update(closed_at=frozen_clock.at + dt.timedelta(hours=1))
    page = client_for(staff[Role.SECURITY_OFFICER]).get("/staff/security/cases/").content.decode()
    assert "No hay casos abiertos." in page


@pytest.mark.req("BO-1")
def test_only_the_security_officer_sees_the_cases(staff):
    answers = {role: client_for(account).get("/staff/security/cases/").status_code for role, account in staff.items()}
    assert answers == {role: 200 if role == Role.SECURITY_OFFICER else 403 for role in staff}
