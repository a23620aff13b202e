"""Prepared reads (decision 0048): the ORM's own SQL built once, then the same rows as the queryset
for every new value — decrypted fields, deferred columns and order included — on either engine."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from memberarea.core.rows import PreparedRead
from memberarea.enrollment.models import Membership, Policy
from memberarea.identity.backends import account_by_username_index
from memberarea.identity.contacts import AccountContacts, account_contacts
from memberarea.identity.usernames import username_index
from tests.identity.registering import HOLDER_NIF
from tests.identity.signing_in import other_member

pytestmark = [pytest.mark.django_db, pytest.mark.req("PERF-1")]


def by_policy() -> PreparedRead[Membership]:
    return PreparedRead(
        lambda number: (
            Membership.objects.filter(policy__number=number).only("first_name", "email").order_by("-member_number")
        ),
        Policy._meta.get_field("number"),
    )


def test_a_prepared_read_gives_the_querysets_rows_for_each_new_value(enrolled):
    read = by_policy()
    for number in ("POL100", "POLINT", "POLEND", "POLNONE"):
        expected = Membership.objects.filter(policy__number=number).order_by("-member_number")
        rows = list(read.rows(number))
        assert [row.pk for row in rows] == [row.pk for row in expected]
        assert [(row.first_name, row.email) for row in rows] == [(row.first_name, row.email) for row in expected]
    assert len(list(read.rows("POL100"))) == 3  # the holder, the spouse and the child, newest number first


def test_the_sql_is_built_once_and_each_read_is_one_statement(enrolled):
    built: list[str] = []

    def build(number):
        built.append(number)
        return Membership.objects.filter(policy__number=number)

    read = PreparedRead(build, Policy._meta.get_field("number"))
    list(read.rows("POL100"))
    with CaptureQueriesContext(connection) as queries:
        rows = list(read.rows("POLINT"))
    assert built == ["POL100"]  # the queryset was built for the first value only
    assert len(queries) == 1
    assert len(rows) == 1
    assert "POLINT" in queries[0]["sql"] and "POL100" not in queries[0]["sql"]


def test_the_querysets_other_parameters_are_kept_and_the_value_must_be_one_of_them(enrolled):
    read = PreparedRead(
        lambda number: Membership.objects.filter(policy__number=number, relationship="child"),
        Policy._meta.get_field("number"),
    )
    list(read.rows("POLINT"))
    assert [row.member_number for row in read.rows("POL100")] == ["M000003"]  # the child only
    twice = PreparedRead(
        lambda number: Membership.objects.filter(policy__number=number, member_number=number),
        Policy._meta.get_field("number"),
    )
    with pytest.raises(ValueError, match="exactly one"):
        twice.rows("POL100")


def test_the_password_steps_account_read_finds_the_account_and_only_it(member_account):
    found = account_by_username_index(username_index(HOLDER_NIF))
    assert found == member_account
    assert found.username == HOLDER_NIF  # the encrypted username decrypted through the field
    assert account_by_username_index(username_index("X0000000T")) is None


def test_the_contacts_read_answers_what_the_memberships_hold(member_account):
    contacts = account_contacts(member_account)
    assert (contacts.email, contacts.mobile) == ("persona1@example.invalid", "+34600000001")
    assert contacts.first_name == Membership.objects.get(person__account=member_account).first_name
    assert account_contacts(other_member()) == AccountContacts(email="", mobile="", first_name="")


def test_a_read_with_joined_models_is_refused_rather_than_mapped_wrong(enrolled):
    read = PreparedRead(
        lambda number: Membership.objects.select_related("policy").filter(policy__number=number),
        Policy._meta.get_field("number"),
    )
    with pytest.raises(ValueError, match="select_related"):
        read.rows("POL100")
