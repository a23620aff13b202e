"""The contact rules, in one place: which email or mobile may be used, and how a proven one is written.

Where an account's codes and notices go: the verified contacts on its person's memberships. A
contact from the insurer counts as verified until the member replaces it (ENR-1); a member may have
several memberships (a re-joiner), so the newest one's contact wins. Registration, account settings
and the back office write a new contact with `contact_write`, nothing else.
"""

from collections.abc import Callable
from dataclasses import dataclass

from memberarea.core.rows import PreparedRead
from memberarea.enrollment.identifiers import email_index, mobile_index
from memberarea.enrollment.models import Membership, Person

from .models import Account, CodeChannel
from .passwords import context_words_for

CONTACT_FIELDS: dict[str, str] = {CodeChannel.EMAIL: "email", CodeChannel.SMS: "mobile"}  # channel → field
_INDEXES = {"email": email_index, "mobile": mobile_index}


def contact_usable(membership: Membership, field: str) -> str:
    """The membership's `field` ("email" or "mobile") when codes and notices may go there: proven by the
    member or given by the insurer (ENR-1); "" otherwise."""
    value = getattr(membership, field)
    usable = getattr(membership, f"{field}_verified") or getattr(membership, f"{field}_from_insurer")
    return value if value and usable else ""


def contact_write(membership: Membership, field: str, destination: str) -> None:
    """Put a proven email or mobile (normalised) on the membership, unsaved: the value, its blind index,
    verified, and no longer the insurer's (a later import does not overwrite it)."""
    setattr(membership, field, destination)
    setattr(membership, f"{field}_index", _INDEXES[field](destination))
    setattr(membership, f"{field}_verified", True)
    setattr(membership, f"{field}_from_insurer", False)


@dataclass
class StaffContactSource:
    """The hook through which the back office, which builds on identity, says where a staff member's
    codes go: it sets `source` at app start (BackofficeConfig.ready); identity never imports it."""

    source: Callable[[Account], tuple[str, str] | None] | None = None


STAFF_CONTACT = StaffContactSource()


@dataclass(frozen=True)
class AccountContacts:
    email: str
    mobile: str
    first_name: str

    def destination(self, channel: CodeChannel) -> str:
        return self.email if channel == CodeChannel.EMAIL else self.mobile

    @property
    def channels(self) -> list[CodeChannel]:
        return [
            channel for channel, value in ((CodeChannel.EMAIL, self.email), (CodeChannel.SMS, self.mobile)) if value
        ]


# What account_contacts reads of a membership: loading only these keeps the sign-in's hot path short (PERF-1).
CONTACT_COLUMNS = (
    "first_name",
    *(f"{field}{suffix}" for field in ("email", "mobile") for suffix in ("", "_verified", "_from_insurer")),
)


_CONTACTS = PreparedRead(
    lambda account_id: (
        Membership.objects.filter(person__account_id=account_id)
        .only(*CONTACT_COLUMNS)
        .order_by("-start_date", "-created_at")
    ),
    Account._meta.pk,
)


def account_contacts(account: Account) -> AccountContacts:
    email = mobile = first_name = ""
    for membership in _CONTACTS.rows(account.pk):
        first_name = first_name or membership.first_name
        email = email or contact_usable(membership, "email")
        mobile = mobile or contact_usable(membership, "mobile")
    if not first_name and (staff := _staff_contact(account)) is not None:
        email, first_name = staff  # staff have no membership (BO-1)
    return AccountContacts(email=email, mobile=mobile, first_name=first_name)


def account_verified_contacts(account: Account) -> list[tuple[str, str, str]]:
    """(channel, destination, first name) for every distinct verified email and mobile of the account's
    person, newest membership first. Contacts from the insurer count as verified (ENR-1)."""
    found: dict[tuple[str, str], str] = {}
    memberships = Membership.objects.filter(person__account=account).order_by("-start_date", "-created_at")
    for membership in memberships:
        for channel, field in CONTACT_FIELDS.items():
            if value := contact_usable(membership, field):
                found.setdefault((str(channel), value), membership.first_name)
    if not memberships and (staff := _staff_contact(account)) is not None:
        found[(CodeChannel.EMAIL.value, staff[0])] = staff[1]  # staff have no membership (BO-1)
    return [(channel, destination, first_name) for (channel, destination), first_name in found.items()]


def _staff_contact(account: Account) -> tuple[str, str] | None:
    """(email, name) of a staff member's profile: staff sign in with the same second step as members
    (BO-1), but their codes go to the work email the back office keeps, as they have no membership."""
    return STAFF_CONTACT.source(account) if STAFF_CONTACT.source is not None else None


def account_password_context(account: Account) -> list[str]:
    """The member's own words, which their password must not contain (PWD-2): names, birth date, document."""
    person = Person.objects.filter(account=account).first()
    membership = Membership.objects.filter(person__account=account).order_by("-start_date").first()
    return context_words_for(
        first_name=membership.first_name if membership else "",
        last_name=membership.last_name if membership else "",
        date_of_birth=person.date_of_birth if person else None,
        document=account.username,
    )
