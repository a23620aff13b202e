"""Staff of every role, signed-in clients, and opening a member's record the way the pages do."""

import pytest

from memberarea.backoffice.services import staff_create
from memberarea.enrollment.models import Membership
from memberarea.identity.models import Role
from tests.identity.signing_in import signed_in_client

STAFF_PASSWORD = "Personal7Plantilla"
REASON = {"reason": "member_called", "ticket": "CS-1234"}


def make_staff(role: Role, username: str = ""):
    account, _ = staff_create(
        username=username or f"STAFF-{role.value.upper()}",
        email=f"{role.value}@example.invalid",
        roles=[role],
        password=STAFF_PASSWORD,
        actor_id="system",
    )
    return account


@pytest.fixture
def staff(db):
    """One staff account per role, keyed by role."""
    return {role: make_staff(role) for role in Role}


def client_for(account):
    return signed_in_client(account)[0]


def member_one() -> Membership:
    return Membership.objects.select_related("person__account").get(member_number="M000001")


def open_record(client, membership, **reason):
    return client.post(f"/staff/members/{membership.pk}/", {**REASON, **reason})
