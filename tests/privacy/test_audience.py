"""The marketing audience (PRIV-3, PRIV-5, PRIV-8, PRIV-12): one selector, for the count and the send."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memberarea.core import clock
from memberarea.core.models import AuditEntry
from memberarea.enrollment.models import Membership
from memberarea.identity.models import Account
from memberarea.notifications.models import Channel
from memberarea.privacy.audience import AudienceFilter, marketing_audience
from memberarea.privacy.consent import consent_set
from memberarea.privacy.models import ConsentMethod, ConsentPurpose
from memberarea.privacy.restrictions import restriction_lift, restriction_start
from memberarea.privacy.selectors import gpc_opted_out_accounts
from tests.privacy.population import (
    ADULT,
    CHILD,
    COMES_OF_AGE_TODAY,
    MINOR_UNTIL_TOMORROW,
    Traits,
    member_add,
    policies_import,
)

pytestmark = pytest.mark.django_db
EMAIL = AudienceFilter(channel=Channel.EMAIL)


def numbers(audience) -> set[str]:
    return {recipient.membership.member_number for recipient in audience}


traits = st.builds(
    Traits,
    born=st.sampled_from([ADULT, COMES_OF_AGE_TODAY, MINOR_UNTIL_TOMORROW, CHILD]),
    email_consent=st.booleans(),
    gpc=st.booleans(),
    restricted=st.booleans(),
    suppressed=st.booleans(),
    email=st.booleans(),
    language=st.sampled_from(["es", "en"]),
    policy=st.sampled_from(["POL-100", "POL-200"]),
)


@pytest.mark.req("PRIV-12")
@pytest.mark.req("PRIV-5")
@pytest.mark.req("PRIV-4")
@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(population=st.lists(traits, min_size=1, max_size=5))
def test_the_audience_is_exactly_the_consenting_adults_never_minors_gpc_restricted_or_suppressed(
    frozen_clock, population
):
    with transaction.atomic():
        policies_import()
        for number, person in enumerate(population, start=1):
            member_add(number, person)
        expected = {f"M{number:06d}" for number, person in enumerate(population, start=1) if person.reached_by_email()}
        assert numbers(marketing_audience(EMAIL)) == expected
        for language in ("es", "en"):
            wanted = {
                f"M{n:06d}"
                for n, p in enumerate(population, start=1)
                if p.reached_by_email() and p.language == language
            }
            assert numbers(marketing_audience(AudienceFilter(channel=Channel.EMAIL, language=language))) == wanted
        family = {
            f"M{n:06d}" for n, p in enumerate(population, start=1) if p.reached_by_email() and p.policy == "POL-200"
        }
        assert numbers(marketing_audience(AudienceFilter(channel=Channel.EMAIL, policy_type="family"))) == family
        transaction.set_rollback(True)


@pytest.mark.req("PRIV-12")
def test_a_minor_joins_the_audience_on_the_day_they_come_of_age(frozen_clock):
    policies_import()
    member_add(1, Traits(born=MINOR_UNTIL_TOMORROW))
    assert marketing_audience(EMAIL) == []
    frozen_clock.advance(days=1)
    assert numbers(marketing_audience(EMAIL)) == {"M000001"}


@pytest.mark.req("PRIV-8")
def test_a_lifted_restriction_lets_the_member_back_in_and_each_step_is_audited(frozen_clock):
    policies_import()
    member = member_add(1, Traits(restricted=True))
    account = member.person.account
    assert marketing_audience(EMAIL) == []
    assert restriction_start(account=account) == restriction_start(account=account)  # asking twice: one restriction
    assert restriction_lift(account=account) is True and restriction_lift(account=account) is False
    assert numbers(marketing_audience(EMAIL)) == {"M000001"}
    events = AuditEntry.objects.filter(subject_id=str(account.pk), event__startswith="privacy.restriction_")
    assert list(events.order_by("seq").values_list("event", flat=True)) == [
        "privacy.restriction_started",
        "privacy.restriction_lifted",
    ]


@pytest.mark.req("PRIV-5")
def test_gpc_opt_out_counts_only_while_it_is_the_current_choice(frozen_clock):
    policies_import()
    account: Account = member_add(1, Traits(gpc=True)).person.account
    assert list(gpc_opted_out_accounts()) == [account]
    # A later explicit opt-in (even with the signal on) replaces the GPC choice: the account is back.
    consent_set(account=account, changes={ConsentPurpose.ANALYTICS: True, ConsentPurpose.THIRD_PARTY_SHARING: True},
                method=ConsentMethod.WEB_FORM, language="es", gpc=True)  # fmt: skip
    assert not gpc_opted_out_accounts().exists()
    assert numbers(marketing_audience(EMAIL)) == {"M000001"}


@pytest.mark.req("PRIV-3")
def test_each_channel_needs_its_own_consent_and_contact(frozen_clock):
    policies_import()
    member_add(1, Traits(email_consent=True, sms_consent=False))
    member_add(2, Traits(email_consent=False, sms_consent=True))
    member_add(3, Traits(email_consent=True, sms_consent=True, email=False))
    assert numbers(marketing_audience(EMAIL)) == {"M000001"}
    sms = marketing_audience(AudienceFilter(channel=Channel.SMS))
    assert numbers(sms) == {"M000002", "M000003"}
    assert {recipient.destination for recipient in sms} == {"+34600000002", "+34600000003"}


@pytest.mark.req("PRIV-3")
def test_a_membership_is_reached_up_to_its_last_day_and_not_after(frozen_clock):
    policies_import()
    member_add(1, Traits())
    Membership.objects.filter(member_number="M000001").update(end_date=dt.date(2026, 3, 31))
    with clock.frozen(dt.datetime(2026, 3, 31, 21, 59, tzinfo=dt.UTC)):  # 23:59 in Madrid, the last day
        assert numbers(marketing_audience(EMAIL)) == {"M000001"}
    with clock.frozen(dt.datetime(2026, 3, 31, 22, 0, tzinfo=dt.UTC)):  # midnight in Madrid
        assert marketing_audience(EMAIL) == []
