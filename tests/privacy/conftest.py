"""The `member_account` data set (tests/identity/registering.py) seen from the privacy centre: member 1
holds POL-100 with an account and is guardian of member 3, a minor."""

import pytest

from memberarea.enrollment.models import Membership
from memberarea.identity.models import Role
from memberarea.privacy.models import ConsentRecord
from tests.backoffice.conftest import make_staff
from tests.identity.signing_in import signed_in_client
from tests.members.family import family_add
from tests.notifications.conftest import sms_gateway, smtp_server  # noqa: F401  (fixtures: real SMTP and SMS on loopback)


def member_id(number: int) -> str:
    return str(Membership.objects.get(member_number=f"M{number:06d}").pk)


@pytest.fixture
def holder_client(member_account):
    """Member 1 signed in, in English."""
    member_account.language = "en"
    member_account.save(update_fields=["language"])
    return signed_in_client(member_account, language="en")[0]


@pytest.fixture
def holder(frozen_clock):
    """Member 10 on POL-700 with an account, guardian of member 11 (a minor without one); the clock frozen."""
    return family_add("POL-700", 10, 1)


@pytest.fixture
def officer(db):
    return make_staff(Role.PRIVACY_OFFICER)


def records_of(account) -> list[tuple[str, bool, str, bool]]:
    """(purpose, given, method, gpc) of every record of the account, oldest first."""
    rows = ConsentRecord.objects.filter(account=account).order_by("at", "purpose")
    return [(row.purpose, row.given, row.method, row.gpc) for row in rows]
