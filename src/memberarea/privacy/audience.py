"""Who a marketing campaign may reach (PRIV-3, PRIV-4, PRIV-5, PRIV-8, PRIV-12): ONE selector, used
both for the count staff see before sending and for the sending itself, so the two cannot differ.

A recipient is an active account whose person has a current membership and who is, today (in the
insurer's time zone), an adult; whose CURRENT choice (`ConsentChoice`) gives the channel's marketing
purpose; with a verified email or mobile for that channel (a contact from the insurer counts, as for
every other message, ENR-1); and who is not restricted, not opted out by Global Privacy Control, not
frozen and not on the suppression list. Dates of birth and documents are encrypted, so the age and
the suppression key are worked out here, in Python, after the database narrowed the candidates.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from memberarea.core import clock
from memberarea.enrollment.identifiers import is_minor, suppression_key
from memberarea.enrollment.models import Membership, SuppressedPerson
from memberarea.identity.contacts import contact_usable
from memberarea.identity.models import Account
from memberarea.notifications.models import Channel

from .models import Campaign, ConsentChoice, ConsentPurpose
from .selectors import gpc_opted_out_accounts, restricted_accounts

CHANNEL_PURPOSE = {Channel.EMAIL: ConsentPurpose.MARKETING_EMAIL, Channel.SMS: ConsentPurpose.MARKETING_SMS}
CHANNEL_FIELD = {Channel.EMAIL: "email", Channel.SMS: "mobile"}


@dataclass(frozen=True)
class AudienceFilter:
    """What a campaign asks for: the channel, and optionally a kind of policy and a language."""

    channel: Channel
    policy_type: str = ""  # a PolicyType value; "" means any
    language: str = ""  # "es" | "en"; "" means both


@dataclass(frozen=True)
class Recipient:
    account: Account
    membership: Membership  # the current membership the contact was taken from
    destination: str  # the verified email or E.164 mobile
    language: str  # the account's language: the campaign's text in it


def _candidates(audience: AudienceFilter):
    """Accounts the database can rule in or out by itself: consent, state, restriction, GPC, language."""
    consenting = ConsentChoice.objects.filter(purpose=CHANNEL_PURPOSE[audience.channel], given=True)
    accounts = (
        Account.objects.filter(is_active=True, frozen_at__isnull=True, pk__in=consenting.values("account_id"))
        .exclude(pk__in=restricted_accounts().values("pk"))
        .exclude(pk__in=gpc_opted_out_accounts().values("pk"))
    )
    if audience.language:
        accounts = accounts.filter(language=audience.language)
    return accounts


def marketing_audience(audience: AudienceFilter) -> list[Recipient]:
    """Every recipient of a campaign with these filters, in a stable order (by account id)."""
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    accounts = {account.pk: account for account in _candidates(audience)}
    current = Q(end_date__isnull=True) | Q(end_date__gte=today)
    memberships = (
        Membership.objects.select_related("person", "policy")
        .filter(current, start_date__lte=today, person__account_id__in=list(accounts))
        .order_by("-start_date", "-created_at")
    )
    chosen: dict = {}  # account id → (membership, destination): the newest current one with a usable contact
    for membership in memberships:
        account_id = membership.person.account_id
        if account_id in chosen or (audience.policy_type and membership.policy.type != audience.policy_type):
            continue
        if is_minor(membership.person.date_of_birth, today):
            continue
        if destination := contact_usable(membership, CHANNEL_FIELD[audience.channel]):
            chosen[account_id] = (membership, destination)
    suppressed = suppressed_person_ids({membership.person for membership, _ in chosen.values()})
    return [
        Recipient(account=accounts[account_id], membership=membership, destination=destination,
                  language=accounts[account_id].language)
        for account_id, (membership, destination) in sorted(chosen.items(), key=lambda item: str(item[0]))
        if membership.person_id not in suppressed
    ]  # fmt: skip


def suppressed_person_ids(people) -> set:
    """The ids of those people whose suppression key is listed (PRIV-8 erasure): one query."""
    keys = {
        suppression_key(person.document_type, person.document_number, person.document_country, person.date_of_birth):
        person.pk
        for person in people
        if person.document_type and person.document_number
    }  # fmt: skip
    listed = SuppressedPerson.objects.filter(key__in=list(keys)).values_list("key", flat=True)
    return {keys[key] for key in listed}


def campaign_audience(campaign: Campaign) -> list[Recipient]:
    """Who the campaign reaches today: the one audience selector with the campaign's filters."""
    return marketing_audience(
        AudienceFilter(channel=Channel(campaign.channel), policy_type=campaign.policy_type, language=campaign.language)
    )
