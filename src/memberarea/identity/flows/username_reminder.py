"""The forgotten username (LOGIN-8): member number, policy number and date of birth in, an email out.

Like the recovery request, the request only validates, checks the captcha, counts and queues one
task, so the answer and its work are the same whether or not the facts match (REL-5). The task
carries the normalised numbers (printed on the member's card, not secret) and a keyed hash of the
birth date, never the date itself. The worker finds the membership as registration's step 1 does (facts.py);
the answer is emailed, never shown: "your username is your NIF (DNI): 1234••••Z".

When the facts match a person with no account yet, nothing is sent: whether that person could
register at all (a minor, an international plan, an ended policy) is registration's to say, and
the answer page tells everyone how to register. The answer never changes either way.
"""

import datetime as dt
import hmac

from django.conf import settings
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks.base import TaskContext

from memberarea.core.audit import audit_record
from memberarea.core.crypto import blind_index
from memberarea.core.links import sign_in_url
from memberarea.core.ratelimit import Limit
from memberarea.core.tasks import task_effect_once
from memberarea.enrollment.models import DocumentType
from memberarea.notifications.models import Channel
from memberarea.notifications.rendering import message_language
from memberarea.notifications.services import message_enqueue

from ..contacts import account_verified_contacts
from ..models import CodeChannel
from .facts import facts_parse, membership_by_numbers
from .recovery import HOUR, MAX_TYPED, account_message_language, uniform_request_accept

BIRTH_PURPOSE = "username-reminder-birth-date"
DOCUMENT_NAMES: dict[str, Promise] = {
    DocumentType.NIF: _("NIF (DNI)"),
    DocumentType.NIE: _("NIE"),
    DocumentType.PASSPORT: _("passport number"),
}
SHOWN_START = 4  # characters of the document shown before the mask
MASK = "••••"  # always four, so the mask does not tell the length


def _birth_hash(date_of_birth: dt.date) -> str:
    return blind_index(BIRTH_PURPOSE, date_of_birth.isoformat())


def document_mask(number: str) -> str:
    """`23456789D` → `2345••••D`: the member recognises their document; a reader of the email cannot use it."""
    start = min(SHOWN_START, max(1, len(number) - 5))
    return f"{number[:start]}{MASK}{number[-1:]}"


def username_reminder_request(
    *, member_number: str, policy_number: str, date_of_birth: str, captcha: str | None, address: str, language: str
) -> None:
    """Ask for the username by email (LOGIN-8): the same answer and work whether or not the facts match.

    Raises INVALID (a malformed fact), CAPTCHA_REQUIRED / CAPTCHA_INVALID, or RATE_LIMITED
    (RECOVERY_REQUESTS_PER_HOUR per address and per member number).
    """
    facts = facts_parse(
        member_number=member_number, policy_number=policy_number, date_of_birth=date_of_birth, max_typed=MAX_TYPED
    )
    member, policy, birth = facts.member_number, facts.policy_number, facts.date_of_birth
    per_hour = settings.RECOVERY_REQUESTS_PER_HOUR
    uniform_request_accept(
        captcha=captcha,
        counted=[
            (Limit("username-reminder-address", per_hour, HOUR), address),
            (Limit("username-reminder-member", per_hour, HOUR), member),
        ],
        job=username_reminder_send,
        args=[member, policy, _birth_hash(birth), message_language(language)],
    )


@task(takes_context=True)
def username_reminder_send(
    context: TaskContext, member_number: str, policy_number: str, birth_hash: str, language: str
) -> None:
    """The worker's half (LOGIN-8): when the facts match a member with an account, the masked document
    and its type to the account's verified emails, in the account's language; otherwise nothing.
    A retry of the same queued task after its effects committed sends nothing (decision 0029)."""
    membership = membership_by_numbers(member_number=member_number, policy_number=policy_number)
    if membership is None or not hmac.compare_digest(_birth_hash(membership.person.date_of_birth), birth_hash):
        return
    account = membership.person.account
    if account is None:
        return  # not registered yet: the answer page says how to register
    recipients = [
        (to, name) for channel, to, name in account_verified_contacts(account) if channel == CodeChannel.EMAIL
    ]
    shown = {
        "document_name": DOCUMENT_NAMES.get(membership.person.document_type, _("identity document")),
        "document": document_mask(account.username),
        "sign_in_url": sign_in_url(),
    }
    language = account_message_language(account, language)
    with transaction.atomic():
        if not task_effect_once(context):
            return
        for to, first_name in recipients:
            message_enqueue(
                channel=Channel.EMAIL,
                to=to,
                template="username_reminder",
                language=language,
                context={**shown, "first_name": first_name},
                subject_id=str(account.pk),
                account=account,
            )
        audit_record(
            event="account.username_reminded",
            actor_id="system",
            subject_id=str(account.pk),
            data={"membership": str(membership.pk), "sent": len(recipients)},
        )
