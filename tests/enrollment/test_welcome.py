"""Welcome messages for new memberships (ENR-3), asserted on the outbox rows message_enqueue wrote."""

import datetime as dt

import pytest

from memberarea.core import clock
from memberarea.enrollment.models import Membership, Person, WelcomeState
from memberarea.enrollment.services import person_account_link, welcome_resend
from memberarea.identity.services import account_create

from .outbox import outbox
from .records import import_members, import_policies, member_row, nif

pytestmark = pytest.mark.django_db


@pytest.mark.req("ENR-3")
def test_a_new_membership_with_an_email_gets_a_welcome_in_its_language():
    import_policies()
    batch = import_members([member_row(1, language="en"), member_row(2, email="")], send_welcome=True)
    assert batch.welcome_queued == 1
    [message] = outbox()
    assert (message.to, message.template, message.language) == ("persona1@example.invalid", "welcome", "en")
    assert "M000001" in message.text and "POL100" in message.text
    assert "Welcome" in message.subject
    assert Membership.objects.get(member_number="M000002").welcome_state == WelcomeState.NO_RECIPIENT


@pytest.mark.req("ENR-3")
def test_a_minors_welcome_goes_to_the_guardians_in_their_languages():
    import_policies()
    today = clock.today_in("Europe/Madrid")
    import_members([member_row(1, language="es"), member_row(2, language="en")])
    minor = member_row(
        3,
        relationship="child",
        date_of_birth=(today - dt.timedelta(days=365 * 10)).isoformat(),
        email="nino@example.invalid",
        guardian_member_numbers="M-000001;M-000002",
    )
    import_members([minor], send_welcome=True)
    messages = {m.to: m for m in outbox()}
    assert set(messages) == {"persona1@example.invalid", "persona2@example.invalid"}
    assert messages["persona1@example.invalid"].language == "es"
    assert messages["persona2@example.invalid"].language == "en"
    assert all("M000003" in m.text for m in messages.values())


@pytest.mark.req("ENR-3")
def test_a_re_joining_person_with_an_account_is_told_the_membership_is_linked():
    import_policies()
    import_members([member_row(1, end_date="2024-12-31")])
    account = account_create(username=nif("10000001"), password="Secret123abc")
    person_account_link(person=Person.objects.get(), account=account, actor_id="test")
    import_members([member_row(77, document_number=nif("10000001"), email="vuelve@example.invalid")], send_welcome=True)
    [message] = outbox()
    assert (message.to, message.template) == ("vuelve@example.invalid", "welcome_rejoined")
    assert "M000077" in message.text


@pytest.mark.req("ENR-3")
def test_no_welcome_with_the_flag_nor_on_a_re_run_nor_for_an_ended_membership():
    import_policies()
    import_members([member_row(1)], send_welcome=False)
    import_members([member_row(1)], send_welcome=True)  # unchanged: not new
    import_members([member_row(2, end_date="2020-06-30")], send_welcome=True)  # already over
    assert outbox() == []


@pytest.mark.req("ENR-3")
def test_welcome_mail_is_throttled_to_the_configured_rate(settings, frozen_clock):
    settings.ENROLLMENT_WELCOME_PER_MINUTE = 2
    import_policies()
    import_members([member_row(n) for n in range(1, 6)], send_welcome=True)
    offsets = sorted(round((m.next_attempt_at - frozen_clock.at).total_seconds() / 60) for m in outbox())
    assert offsets == [0, 0, 1, 1, 2]


@pytest.mark.req("ENR-3")
def test_customer_service_can_resend_the_welcome():
    import_policies()
    import_members([member_row(1)], send_welcome=False)
    membership = Membership.objects.select_related("person", "policy").get()
    assert welcome_resend(membership=membership, actor_id="agent-1") == 1
    [message] = outbox()
    assert message.template == "welcome"
