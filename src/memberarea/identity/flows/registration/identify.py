"""Step 1 (REG-1, REG-2): the three enrollment facts, counted failures and the captcha, then eligibility."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from memberarea.core import clock
from memberarea.core.audit import audit_record
from memberarea.core.brand import brand
from memberarea.core.captcha import captcha_verify
from memberarea.core.errors import RATE_LIMITED, MemberAreaError
from memberarea.core.ratelimit import Limit, attempt_release, attempt_reserve
from memberarea.enrollment.identifiers import (
    is_minor,
)
from memberarea.enrollment.models import Membership, PolicyStatus, PolicyType
from memberarea.identity.errors import (
    ALREADY_REGISTERED,
    INTERNATIONAL_PLAN,
    MINOR,
    NO_MATCH,
    POLICY_INACTIVE,
)
from memberarea.identity.flows.facts import facts_parse, membership_by_numbers
from memberarea.identity.models import (
    FlowKind,
    RegistrationFlow,
)


def _failure_limits() -> tuple[Limit, Limit]:
    window = settings.REGISTRATION_FAILURE_WINDOW_SECONDS
    block = settings.REGISTRATION_FAILURES_BEFORE_BLOCK
    return Limit("registration-address", block, window), Limit("registration-member", block, window)


def registration_start(
    *, member_number: str, date_of_birth: str, policy_number: str, captcha: str | None, address: str, kind: FlowKind,
    language: str,
) -> RegistrationFlow:  # fmt: skip
    """Step 1 (REG-1, REG-2): the three facts, counted failures, captcha, then eligibility.

    A try is reserved on the caller's address and on the member number before the look-up (so
    parallel guesses cannot slip under the limit) and released when the facts match. Unknown
    member and wrong birth date take the same path: one query, the same answer.
    """
    facts = facts_parse(member_number=member_number, policy_number=policy_number, date_of_birth=date_of_birth)
    by_address, by_member = _failure_limits()
    reservations = [(by_address, address), (by_member, facts.member_number)]
    counts = [attempt_reserve(limit, subject).count for limit, subject in reservations]
    if max(counts) > settings.REGISTRATION_FAILURES_BEFORE_BLOCK:
        raise MemberAreaError(RATE_LIMITED)
    if max(counts) > settings.REGISTRATION_FAILURES_BEFORE_CAPTCHA:
        captcha_verify(captcha)

    membership = membership_by_numbers(member_number=facts.member_number, policy_number=facts.policy_number)
    if membership is None or membership.person.date_of_birth != facts.date_of_birth:
        raise MemberAreaError(NO_MATCH)
    for limit, subject in reservations:
        attempt_release(limit, subject)
    _check_eligible(membership)
    now = clock.now()
    with transaction.atomic():
        flow = RegistrationFlow.objects.create(
            id=uuid.uuid4(),
            kind=FlowKind(kind),
            membership=membership,
            language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
            created_at=now,
            expires_at=now + dt.timedelta(seconds=settings.REGISTRATION_FLOW_SECONDS),
        )
        audit_record(event="registration.started", subject_id=str(membership.pk), data={"flow": str(flow.pk)})
    return flow


def _check_eligible(membership: Membership) -> None:
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    if is_minor(membership.person.date_of_birth, today):
        raise MemberAreaError(
            MINOR,
            detail=_("Members under %(age)s do not register themselves: their guardian manages their membership.")
            % {"age": settings.ADULT_AGE},
        )
    if membership.policy.type == PolicyType.INTERNATIONAL:
        contact = brand()
        raise MemberAreaError(
            INTERNATIONAL_PLAN,
            detail=_(
                "International plans have their own member area. Please contact our international team "
                "on %(phone)s or at %(email)s."
            )
            % {"phone": contact["international_phone"], "email": contact["international_email"]},
        )
    ended = membership.end_date is not None and membership.end_date < today
    if membership.policy.status != PolicyStatus.ACTIVE or ended:
        raise MemberAreaError(POLICY_INACTIVE)
    if membership.person.account_id is not None:
        raise MemberAreaError(ALREADY_REGISTERED)
