"""Coming of age (GUARD-2): the guardians are told a month before, the new adult is invited on the day,
each once, by the daily job."""

import datetime as dt

import pytest

from memberarea.core import clock
from memberarea.core.jobs import JOBS
from memberarea.members.jobs import age_notices_send
from memberarea.notifications.models import Message
from tests.members.family import account_for, child_add


def sent(template: str) -> list[tuple[str, str]]:
    return sorted((m.to, m.language) for m in Message.objects.filter(template=template))


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T07:00:00+00:00")


@pytest.mark.req("GUARD-2")
def test_guardians_are_told_a_month_before_and_the_new_adult_on_the_day_once(member_account):
    assert JOBS["guardian_age_notices"].every == dt.timedelta(days=1)
    account_for(2, language="en")  # the other guardian, with an account in English
    with clock.frozen(at("2026-01-10")):
        child_add(6, "2008-04-15", guardians="M-000001;M-000002", email="marta@example.invalid", language="es")
        child_add(7, "2008-04-15", guardians="M-000001", email="")  # no email of their own: no invitation

    with clock.frozen(at("2026-03-14")):  # 32 days before
        age_notices_send()
    assert sent("guardian_ending") == []

    with clock.frozen(at("2026-03-15")):
        assert age_notices_send() == "3 guardian notices, 0 invitations to register"
    told = [("persona1@example.invalid", "es")] * 2 + [("persona2@example.invalid", "en")]  # one per minor
    assert sent("guardian_ending") == told
    message = Message.objects.filter(template="guardian_ending", language="en").get()
    assert "turns 18 on" in message.body_text and "Nombre" in message.body_text
    with clock.frozen(at("2026-03-20")):
        assert age_notices_send() == "0 guardian notices, 0 invitations to register"

    with clock.frozen(at("2026-04-14")):  # the day before: still a minor
        age_notices_send()
    assert sent("coming_of_age") == []
    with clock.frozen(at("2026-04-15")):
        assert age_notices_send() == "0 guardian notices, 1 invitations to register"
        assert age_notices_send() == "0 guardian notices, 0 invitations to register"
    assert sent("coming_of_age") == [("marta@example.invalid", "es")]
    assert sent("guardian_ending") == told
