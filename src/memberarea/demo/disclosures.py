"""The demo's disclosures (PRIV-9, BO-4): three days before the load, the demo agent opened Lucía's
record because she called (ticket DEMO-1001), so "who saw or received my data" has an entry from the
first sign-in. Lucía opted in to sharing with partners (demo.privacy), so the privacy officer's partner
export of the demo partner holds her, and her Shine the Light answer for this year then lists it.
Written once: a later load finds the access and adds nothing."""

import datetime as dt

from django.db import transaction

from memberarea.core import clock
from memberarea.enrollment.models import Membership
from memberarea.identity.services import account_find
from memberarea.members.access import Purpose, access_member
from memberarea.members.models import AccessReason, StaffAccess

from .privacy import LUCIA
from .staff import DEMO_STAFF

AGENT = next(username for username, _, roles in DEMO_STAFF if "agent" in roles)
TICKET = "DEMO-1001"
OPENED_DAYS_AGO = 3


def demo_disclosures_load() -> None:
    lucia = Membership.objects.get(member_number=LUCIA)
    agent = account_find(AGENT)
    if agent is None or StaffAccess.objects.filter(membership=lucia, ticket=TICKET).exists():
        return
    with transaction.atomic(), clock.frozen(clock.now() - dt.timedelta(days=OPENED_DAYS_AGO)):
        access_member(
            actor=agent, member_id=lucia.pk, purpose=Purpose.RECORD, reason=AccessReason.MEMBER_CALLED, ticket=TICKET
        )
