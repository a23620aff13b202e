"""Preferences (PRIV-3, PRIV-12): whose choices a member area page or the app may set.

Choices belong to an account: an adult who registered. The member acted for comes through the one
access check; for a guardian's minor there is nothing to choose (nobody under 18 receives marketing
or is counted in analytics), which is `minor_has_no_choices` rather than a page of switches.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from memberarea.core.errors import INVALID, MemberAreaError, choice_parse
from memberarea.identity.models import Account
from memberarea.members.access import Access

from .errors import MINOR_NO_CHOICES
from .models import ConsentMethod, ConsentPurpose
from .partners import partners
from .processors import COUNTRY_NAMES
from .selectors import choices_current

NO_SUCH_CHOICE = _("There is no such choice.")
ON_OR_OFF = _("A switch is either on or off.")
# What each switch means, shown under its label (the label is the purpose's own).
DESCRIPTIONS = {
    ConsentPurpose.MARKETING_EMAIL: _(
        "Our offers, new services and health tips, at the email address on your account."
    ),
    ConsentPurpose.MARKETING_SMS: _("Short offers and reminders of campaigns, at your mobile number."),
    ConsentPurpose.MARKETING_POST: _("Brochures and letters about our offers, at your postal address."),
    ConsentPurpose.THIRD_PARTY_SHARING: _(
        "We give your name and contact details to the partners listed here, so that they can send you their "
        "own offers. Off unless you switch it on."
    ),
    ConsentPurpose.SURVEYS: _("Now and then, a few questions about how we served you."),
    ConsentPurpose.ANALYTICS: _(
        "We count which pages are visited, without anything that identifies you, to improve the member area."
    ),
}


def choices_allowed(granted: Access) -> None:
    """Choices are set for the account's own membership only: a guardian acting for a minor gets
    MINOR_NO_CHOICES (the access check itself already refused anyone else)."""
    if granted.relation != "self":
        raise MemberAreaError(MINOR_NO_CHOICES)


def changes_parse(answers: Mapping[str, bool], *, field: str) -> dict[ConsentPurpose, bool]:
    """Answers keyed by purpose value, as an edge received them; an unknown purpose is `invalid` on
    `<field>.<name>`."""
    changes = {}
    for name, given in answers.items():
        changes[choice_parse(name, ConsentPurpose, field=f"{field}.{name}", message=NO_SUCH_CHOICE)] = given
    return changes


def switches_parse(posted: Mapping[str, str]) -> dict[ConsentPurpose, bool]:
    """A form of one checkbox per purpose: "1" is on, absent is off (an unticked box sends nothing)."""
    wrong: dict[str, list[str | Promise]] = {
        purpose.value: [ON_OR_OFF] for purpose in ConsentPurpose if posted.get(purpose.value, "1") != "1"
    }
    if wrong:
        raise MemberAreaError(INVALID, fields=wrong)
    return {purpose: posted.get(purpose.value) == "1" for purpose in ConsentPurpose}


def switches_of(*, account: Account) -> list[dict[str, Any]]:
    """One entry per purpose, in the order of `ConsentPurpose`: on or off, and when and how it last changed."""
    switches = []
    for purpose, choice in choices_current(account=account).items():
        switches.append(
            {
                "purpose": purpose.value,
                "label": str(purpose.label),
                "description": str(DESCRIPTIONS[purpose]),
                "given": bool(choice and choice.given),
                "changed_at": choice.at if choice else None,
                "method": ConsentMethod(choice.method) if choice else None,
                "partners": partners_named() if purpose == ConsentPurpose.THIRD_PARTY_SHARING else [],
            }
        )
    return switches


def partners_named() -> list[dict[str, str]]:
    """Who "sharing with partners" gives the data to (PRIV-9): each configured partner, its country and
    what it does with the data, in the active language (decision 0049)."""
    return [
        {
            "id": partner.id,
            "name": partner.name,
            "country": partner.country,
            "country_name": str(COUNTRY_NAMES.get(partner.country, partner.country)),
            "purpose": partner.purpose,
        }
        for partner in partners()
    ]
