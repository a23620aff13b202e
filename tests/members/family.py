"""Families to act for in the member area's tests, on top of the `enrolled` records (tests/identity/registering.py):
member 1 holds POL-100 and is guardian of member 3 (born 2015-06-01); member 2 is the other adult on
POL-100; member 4 is on POL-INT."""

from memberarea.enrollment.identifiers import normalise_number
from memberarea.enrollment.models import Membership
from memberarea.enrollment.services import person_account_link
from memberarea.identity.services import account_create
from tests.enrollment.records import import_members, import_policies, member_row, nif, policy_row


def membership(number: int, prefix: str = "M-") -> Membership:
    return Membership.objects.select_related("person", "policy").get(
        member_number=normalise_number(f"{prefix}{number:06d}")
    )


def account_for(number: int, *, language: str = "en"):
    """An account linked to member `number`'s person, as registration would leave it."""
    account = account_create(username=nif(f"{30000000 + number}"), password="Lindero7Azul", language=language)
    person_account_link(person=membership(number).person, account=account, actor_id="system")
    return account


def child_add(number: int, date_of_birth: str, *, policy: str = "POL-100", guardians: str = "M-000001", **fields):
    """A minor on `policy` whose guardians are the given member numbers."""
    batch = import_members(
        [
            member_row(number, policy_number=policy, date_of_birth=date_of_birth, relationship="child",
                       document_type="", document_number="", guardian_member_numbers=guardians, **fields)
        ]
    )  # fmt: skip
    assert not batch.rejected, list(batch.row_errors.values_list("field", "code"))
    return membership(number)


def family_add(policy: str, holder: int, children: int):
    """A policy with a holder (with an account) and `children` minors; returns the holder's account."""
    import_policies(policy_row(policy_number=policy))
    import_members([member_row(holder, policy_number=policy, date_of_birth="1980-01-01")])
    for child in range(1, children + 1):
        child_add(holder + child, "2016-01-01", policy=policy, guardians=f"M-{holder:06d}", email="")
    return account_for(holder)
