"""BO-3, ENR-3: the back office's "resend the welcome" picks the template the import would pick —
one rule (`welcome_template`) for both."""

import pytest

from memberarea.enrollment.models import Membership, Person
from memberarea.enrollment.services import person_account_link
from memberarea.identity.models import Role
from memberarea.identity.services import account_create
from tests.backoffice.conftest import REASON, client_for, open_record
from tests.enrollment.outbox import outbox
from tests.enrollment.records import import_members, member_row, nif


def resend(staff_account, membership: Membership):
    client = client_for(staff_account)
    open_record(client, membership)
    return client.post(f"/staff/members/{membership.pk}/welcome/", REASON)


def membership(number: str) -> Membership:
    return Membership.objects.select_related("person__account", "policy").get(member_number=number)


@pytest.mark.req("BO-3")
@pytest.mark.req("ENR-3")
def test_a_plain_member_gets_the_welcome_not_the_re_joiner_text(enrolled, staff):
    assert resend(staff[Role.AGENT], membership("M000001")).status_code == 302
    [message] = outbox()
    assert (message.to, message.template) == ("persona1@example.invalid", "welcome")
    assert "linked to your account" not in message.text
    assert "/register/" in message.text and "/sign-in/" not in message.text


@pytest.mark.req("BO-3")
def test_a_member_who_registered_after_the_import_is_not_a_re_joiner(member_account, staff):
    """…and is told to sign in, not to register a second time."""
    assert resend(staff[Role.AGENT], membership("M000001")).status_code == 302
    [message] = outbox()
    assert message.template == "welcome"
    assert "/sign-in/" in message.text and "/register/" not in message.text


@pytest.mark.req("BO-3")
@pytest.mark.req("GUARD-1")
def test_a_minors_welcome_goes_to_the_guardians(enrolled, staff):
    assert resend(staff[Role.AGENT], membership("M000003")).status_code == 302
    [message] = outbox()
    assert (message.to, message.template) == ("persona1@example.invalid", "welcome")
    assert "M000003" in message.text


@pytest.mark.req("BO-3")
def test_a_re_joiner_with_an_account_gets_the_linked_text_as_at_import(enrolled, staff):
    account = account_create(username=nif("10000001"), password="Secret123abc")
    person_account_link(person=Person.objects.get(memberships__member_number="M000001"), account=account, actor_id="t")
    import_members([member_row(77, document_number=nif("10000001"), email="vuelve@example.invalid")], send_welcome=True)
    [at_import] = outbox()
    assert resend(staff[Role.AGENT], membership("M000077")).status_code == 302
    again = outbox()[-1]
    assert at_import.template == again.template == "welcome_rejoined"
    assert again.to == "vuelve@example.invalid"
