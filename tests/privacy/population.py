"""Members for the marketing tests, made through the import (tests/enrollment/records.py) and the real
services: each with an account, and the traits that put them in or out of a campaign's audience."""

from dataclasses import dataclass

from memberarea.enrollment.models import Membership
from memberarea.enrollment.services import suppression_add
from memberarea.privacy.consent import consent_set
from memberarea.privacy.models import ConsentMethod, ConsentPurpose
from memberarea.privacy.restrictions import restriction_start
from tests.enrollment.records import import_members, import_policies, member_row, policy_row
from tests.members.family import account_for, membership

ADULT, COMES_OF_AGE_TODAY, MINOR_UNTIL_TOMORROW, CHILD = "1985-03-12", "2008-03-02", "2008-03-03", "2014-07-01"
TODAY = "2026-03-02"  # the day of the `frozen_clock` fixture, in Madrid
ADULT_BIRTHDAYS = {ADULT, COMES_OF_AGE_TODAY}


@dataclass(frozen=True)
class Traits:
    born: str = ADULT
    email_consent: bool = True
    sms_consent: bool = False
    gpc: bool = False  # opted in to analytics and sharing, then a GPC signal withdrew them
    restricted: bool = False
    suppressed: bool = False
    email: bool = True  # has an email from the insurer (counts as verified, ENR-1)
    language: str = "es"
    policy: str = "POL-100"

    def reached_by_email(self) -> bool:
        adult = self.born in ADULT_BIRTHDAYS
        return adult and self.email_consent and self.email and not (self.gpc or self.restricted or self.suppressed)


POLICIES = {"POL-100": "individual", "POL-200": "family"}


def policies_import() -> None:
    import_policies(*(policy_row(policy_number=number, policy_type=kind) for number, kind in POLICIES.items()))


def member_add(number: int, traits: Traits) -> Membership:
    """Member `number` with an account (in `traits.language`) and the given traits."""
    row = member_row(number, date_of_birth=traits.born, policy_number=traits.policy, language=traits.language,
                     email=f"persona{number}@example.invalid" if traits.email else "")  # fmt: skip
    batch = import_members([row])
    assert not batch.rejected, list(batch.row_errors.values_list("field", "code"))
    account = account_for(number, language=traits.language)
    given = {ConsentPurpose.MARKETING_EMAIL: traits.email_consent, ConsentPurpose.MARKETING_SMS: traits.sms_consent}
    if traits.gpc:
        given |= {ConsentPurpose.THIRD_PARTY_SHARING: True, ConsentPurpose.ANALYTICS: True}
    consent_set(account=account, changes=given, method=ConsentMethod.WEB_FORM, language=traits.language)
    if traits.gpc:
        opt_out = {ConsentPurpose.THIRD_PARTY_SHARING: False, ConsentPurpose.ANALYTICS: False}
        consent_set(account=account, changes=opt_out, method=ConsentMethod.GPC, language=traits.language, gpc=True)
    if traits.restricted:
        restriction_start(account=account)
    if traits.suppressed:
        assert suppression_add(person=membership(number).person, actor_id="system")
    return membership(number)
