"""The enrollment facts (REG-1, LOGIN-8): one parser and one look-up for registration and the username reminder."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from memberarea.core.errors import MemberAreaError
from memberarea.identity.flows.facts import EnrollmentFacts, facts_parse, membership_by_numbers
from tests.enrollment.records import import_members, import_policies, member_row, policy_row


def refusal(**typed) -> dict:
    with pytest.raises(MemberAreaError) as raised:
        facts_parse(**{"member_number": "M-1", "policy_number": "POL-1", "date_of_birth": "12/03/1985", **typed})
    assert raised.value.code == "invalid"
    return raised.value.fields


@pytest.mark.req("REG-1")
@pytest.mark.req("LOGIN-8")
def test_the_numbers_are_normalised_as_printed_and_the_date_parsed(frozen_clock):
    facts = facts_parse(member_number=" m 000001 ", policy_number="pol‐100", date_of_birth="12031985")
    assert facts == EnrollmentFacts(member_number="M000001", policy_number="POL100", date_of_birth=dt.date(1985, 3, 12))


@pytest.mark.req("REG-1")
@pytest.mark.req("LOGIN-8")
def test_every_field_s_problem_is_reported_at_once(frozen_clock):
    fields = refusal(member_number="", policy_number="POL 1 / 2", date_of_birth="31/02/1985")
    assert set(fields) == {"member_number", "policy_number", "date_of_birth"}
    assert refusal(member_number="M" * 41).keys() == {"member_number"}


@pytest.mark.req("LOGIN-8")
def test_a_typed_value_over_the_limit_is_refused_before_any_parsing(frozen_clock):
    with pytest.raises(MemberAreaError) as raised:
        facts_parse(member_number="M-1", policy_number="P" * 300, date_of_birth="12/03/1985", max_typed=200)
    with translation.override("en"):  # the length message, not the number's: nothing was parsed
        assert [str(message) for message in raised.value.fields["policy_number"]] == ["This is too long."]


@pytest.mark.req("REG-1")
@pytest.mark.django_db
def test_the_look_up_needs_both_numbers_and_brings_person_and_policy_in_one_query():
    import_policies(policy_row())
    import_members([member_row(1)])
    with CaptureQueriesContext(connection) as queries:
        found = membership_by_numbers(member_number="M000001", policy_number="POL100")
        assert found is not None
        assert (found.person.date_of_birth, found.policy.number, found.person.account) == (
            dt.date(1985, 3, 12), "POL100", None)  # fmt: skip
    assert len(queries) == 1
    assert membership_by_numbers(member_number="M000001", policy_number="POL200") is None
