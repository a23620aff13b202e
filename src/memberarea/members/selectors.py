"""What the member area shows (AREA-1, GUARD-1): the dashboard of one member and the member selector.

Both read only through `access_member` and `members_for`, so the web pages and the API show the
same members under the same rules. The dashboard's queries do not grow with the number of members
on the policy: every membership comes with its person and policy in the query that finds it.
"""

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from memberarea.core import clock
from memberarea.enrollment.identifiers import adulthood_date
from memberarea.enrollment.models import Membership, PolicyType
from memberarea.identity.contacts import account_contacts
from memberarea.identity.models import Account

from .access import Access, Purpose, access_among, access_member, members_for, today


def policy_type_label(value: str) -> str:
    """The kind's translated label: the enrollment data's value is never shown as such."""
    return str(PolicyType(value).label)


def account_profile(account: Account) -> dict:
    """What the member sees of their account: username, language, contacts, and the members they act for.

    It lives here, not in identity, because the members an account acts for are this app's rule."""
    contacts = account_contacts(account)
    members = [
        {
            "member_id": str(access.membership.pk),
            "name": f"{access.membership.first_name} {access.membership.last_name}",
            "relationship": access.membership.relationship,
            "is_self": access.relation == "self",
        }
        for access in members_for(account)
    ]
    return {
        "username": account.username,
        "language": account.language,
        "email": contacts.email,
        "phone": contacts.mobile,
        "members": members,
    }


def member_name(membership: Membership) -> str:
    return f"{membership.first_name} {membership.last_name}"


def member_area_access(*, actor: Account, member_id: uuid.UUID) -> Access:
    """The access check as the member area asks it: self or guardian; staff reach member data only in
    the back office, with a reason (BO-4)."""
    return access_member(actor=actor, member_id=member_id, purpose=Purpose.VIEW)


def member_choices(*, actor: Account, current: Membership) -> list[dict[str, Any]]:
    """The selector's entries ("Me (Lucía)", "Pablo", …), the current one marked (GUARD-1)."""
    return [_choice(access, current) for access in members_for(actor)]


def _choice(access: Access, current: Membership) -> dict[str, Any]:
    membership = access.membership
    is_self = access.relation == "self"
    return {
        "member_id": str(membership.pk),
        "label": _("Me (%(name)s)") % {"name": membership.first_name} if is_self else membership.first_name,
        "name": member_name(membership),
        "relationship": membership.relationship,
        "is_self": is_self,
        "is_current": membership.pk == current.pk,
    }


def member_dashboard(*, actor: Account, member_id: uuid.UUID) -> dict[str, Any]:
    """The dashboard of one member the actor may act for; NOT_FOUND for anyone else (AREA-1)."""
    reachable = members_for(actor)
    granted = access_among(reachable, member_id) or member_area_access(actor=actor, member_id=member_id)
    membership, policy = granted.membership, granted.membership.policy
    return {
        "member": {
            "member_id": str(membership.pk),
            "name": member_name(membership),
            "first_name": membership.first_name,
            "member_number": membership.member_number,
            "relationship": membership.relationship,
            "start_date": membership.start_date,
            "end_date": membership.end_date,
        },
        "relation": granted.relation,
        "policy": {
            "number": policy.number,
            "type": policy.type,
            "type_label": policy_type_label(policy.type),
            "status": policy.status,
            "start_date": policy.start_date,
            "end_date": policy.end_date,
            "holder_name": policy.holder_name,
        },
        "contact": {
            "email": membership.email or "",
            "mobile": membership.mobile or "",
            "street": membership.street or "",
            "postal_code": membership.postal_code,
            "city": membership.city,
            "province": membership.province,
            "country": membership.country,
        },
        "members": [_choice(access, membership) for access in reachable],
        "notices": member_notices(actor=actor, reachable=reachable),
    }


def member_notices(*, actor: Account, reachable: list[Access]) -> list[dict[str, Any]]:
    """Notices for the signed-in account: minors about to come of age, and the registration contact hold."""
    notices = []
    horizon = today() + dt.timedelta(days=settings.COMING_OF_AGE_NOTICE_DAYS)
    for access in reachable:
        if access.relation != "guardian":
            continue
        coming_of_age = adulthood_date(access.membership.person.date_of_birth)
        if coming_of_age <= horizon:
            notices.append(
                {
                    "code": "minor_coming_of_age",
                    "date": coming_of_age,
                    "message": _("%(name)s turns 18 on %(date)s: from that day they manage their own membership.")
                    % {"name": access.membership.first_name, "date": _long_date(coming_of_age)},
                }
            )
    own = [access for access in reachable if access.relation == "self"]
    hold_until = actor.contact_hold_until
    if hold_until is not None and hold_until > clock.now():
        local_hold_until = hold_until.astimezone(ZoneInfo(settings.INSURER_TIME_ZONE))
        notices.append(
            {
                "code": "contact_hold",
                "date": local_hold_until.date(),
                "message": _(
                    "Your contact details were changed when you registered: exports of your data and further "
                    "contact changes are on hold until %(date)s."
                )
                % {"date": _long_date(local_hold_until.date())},
                # The exports it speaks of are rights requests of the privacy centre (PRIV-8).
                "link": reverse("privacy-requests", args=[own[0].membership.pk]) if own else "",
                "link_text": _("Your privacy requests"),
            }
        )
    return notices


def _long_date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")
