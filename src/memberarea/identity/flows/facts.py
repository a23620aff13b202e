"""The enrollment facts a member types to prove who they are: member number, policy number, date of birth.

Registration's first step (REG-1) and the forgotten username (LOGIN-8) read the same three facts
from the same card or letter, so they parse, normalise and match them here, once.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.errors import INVALID, MemberAreaError
from memberarea.enrollment.identifiers import normalise_number
from memberarea.enrollment.models import Membership

MAX_NUMBER = 40  # a member or policy number longer than this is not one of ours

_DATE_FORMATS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})"),
    # Digits only, as a numeric keypad without "/" or "-" types them: always day, month, year.
    re.compile(r"(?P<d>\d{2})(?P<m>\d{2})(?P<y>\d{4})"),
)


@dataclass(frozen=True)
class EnrollmentFacts:
    """The three facts, normalised: numbers as printed on the card (not secret), the birth date as a date."""

    member_number: str
    policy_number: str
    date_of_birth: dt.date


def birth_date_parse(text: str) -> dt.date:
    """The one parser of a typed date of birth: ISO (2000-03-12), the day-first form people write in
    Spain (12/03/2000, 12-3-2000, 12.03.2000) or its digits alone (12032000). Spaces are ignored."""
    text = "".join((text or "").split())
    for pattern in _DATE_FORMATS:
        match = pattern.fullmatch(text)
        if match:
            try:
                value = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
            if value > clock.today_in(settings.INSURER_TIME_ZONE) or value.year < 1900:
                break
            return value
    raise MemberAreaError(
        INVALID, fields={"date_of_birth": [_("Enter a real date of birth, such as 31/12/1980 or 31121980.")]}
    )


def number_parse(name: str, value: str) -> str:
    """A member or policy number as the look-up stores it; INVALID on the field `name` otherwise."""
    number = normalise_number(value)
    if not number or len(number) > MAX_NUMBER or not number.isalnum():
        raise MemberAreaError(INVALID, fields={name: [_("Enter the number as it appears on your card or letter.")]})
    return number


def facts_parse(
    *, member_number: str, policy_number: str, date_of_birth: str, max_typed: int | None = None
) -> EnrollmentFacts:
    """The three facts parsed, every field's problem reported at once (one INVALID with each field's message).

    `max_typed` refuses a longer typed value before any normalising work is spent on it.
    """
    errors: dict = {}
    parsed: dict = {}
    for name, value, parse in (
        ("member_number", member_number, lambda v: number_parse("member_number", v)),
        ("date_of_birth", date_of_birth, birth_date_parse),
        ("policy_number", policy_number, lambda v: number_parse("policy_number", v)),
    ):
        try:
            if max_typed is not None and len(value) > max_typed:
                raise MemberAreaError(INVALID, fields={name: [_("This is too long.")]})
            parsed[name] = parse(value)
        except MemberAreaError as error:
            errors.update(error.fields)
    if errors:
        raise MemberAreaError(INVALID, fields=errors)
    return EnrollmentFacts(**parsed)


def membership_by_numbers(*, member_number: str, policy_number: str) -> Membership | None:
    """The membership the two numbers name, with its policy, person and account, in one query.

    The caller compares the birth date itself (registration as a date, the username reminder's
    worker as a keyed hash), so an unknown member and a wrong date take the same path.
    """
    return (
        Membership.objects.select_related("policy", "person__account")
        .filter(member_number=member_number, policy__number=policy_number)
        .first()
    )
