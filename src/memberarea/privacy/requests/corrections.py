"""Corrections (PRIV-8 "correct"): the fields a member cannot edit themself, how a stated value is
checked, and how an approved one is written to the record.

Names and the address are kept on each membership of the person, the date of birth on the person:
an approved correction is written to every membership of the person, so no copy keeps the old value.
"""

import datetime as dt
import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.errors import INVALID, MemberAreaError
from memberarea.core.text import text_check
from memberarea.enrollment.models import Membership, Person
from memberarea.enrollment.records import EARLIEST_DATE

# field → (label, longest value); the date of birth is checked as a date.
CORRECTABLE = {
    "first_name": (_("First name"), 100),
    "last_name": (_("Last name"), 150),
    "date_of_birth": (_("Date of birth"), 10),
    "street": (_("Street"), 300),
    "postal_code": (_("Postal code"), 16),
    "city": (_("Town or city"), 100),
    "province": (_("Province or state"), 100),
    "country": (_("Country (two-letter code)"), 2),
}
ON_PERSON = {"date_of_birth"}


def corrected_on(field_name: str) -> type[Person] | type[Membership]:
    """The model a correctable field is stored on."""
    return Person if field_name in ON_PERSON else Membership


def correction_parse(values: dict[str, str]) -> dict[str, str]:
    """The stated values the member filled in (blank ones left out): INVALID with a message per field."""
    text_check(values)
    unknown = set(values) - set(CORRECTABLE)
    problems: dict[str, list] = {name: [_("This cannot be corrected through a request.")] for name in unknown}
    stated = {name: str(value).strip() for name, value in values.items() if name in CORRECTABLE and str(value).strip()}
    for name, value in stated.items():
        if len(value) > CORRECTABLE[name][1]:
            problems[name] = [_("This is longer than we can keep.")]
    if "date_of_birth" in stated and not _plausible_birth_date(stated["date_of_birth"]):
        problems["date_of_birth"] = [_("Give a date from 1900 until yesterday, as YYYY-MM-DD.")]
    if "country" in stated:
        stated["country"] = stated["country"].upper()
        if not (stated["country"].isascii() and stated["country"].isalpha() and len(stated["country"]) == 2):
            problems["country"] = [_("Give the country as its two-letter code, such as ES.")]
    if not stated and not problems:
        problems["__all__"] = [_("Fill in at least one value you want us to correct.")]
    if problems:
        raise MemberAreaError(INVALID, fields=problems)
    return stated


def _plausible_birth_date(text: str) -> bool:
    """The same range the enrollment files accept: no one insured was born before 1900 or tomorrow."""
    try:
        return EARLIEST_DATE <= dt.date.fromisoformat(text) < clock.today_in(settings.INSURER_TIME_ZONE)
    except ValueError:
        return False


def correction_apply(person: Person, stated: dict[str, str]) -> dict[str, str]:
    """Write the approved values to the person and all their memberships; returns the values replaced."""
    previous: dict[str, str] = {}
    now = clock.now()
    if "date_of_birth" in stated:
        previous["date_of_birth"] = person.date_of_birth.isoformat()
        person.date_of_birth = dt.date.fromisoformat(stated["date_of_birth"])
        person.updated_at = now
        person.save()
    on_membership = {name: value for name, value in stated.items() if name not in ON_PERSON}
    if on_membership:
        for membership in Membership.objects.filter(person=person).order_by("start_date"):
            for name, value in on_membership.items():
                previous.setdefault(name, getattr(membership, name) or "")
                setattr(membership, name, value)
            membership.updated_at = now
            membership.save()
    return previous


def correction_rows(stated_json: str | None, previous_json: str | None = None) -> list[dict]:
    """For pages and messages: label, stated value and (once applied) the value replaced."""
    stated = json.loads(stated_json or "{}")
    previous = json.loads(previous_json or "{}")
    return [
        {"field": name, "label": CORRECTABLE[name][0], "value": value, "previous": previous.get(name)}
        for name, value in stated.items()
        if name in CORRECTABLE
    ]
