"""The identity app's error codes, in one place: raised by its services and flows, listed by the API.

The AppConfig imports this module in `ready()`, so every code is registered before the first request
(tests/core/test_error_modules.py fails when a code is defined anywhere else).
"""

import uuid

from django.utils.translation import gettext_lazy as _

from memberarea.core.errors import ErrorCode, id_parse

PASSWORD_POLICY = ErrorCode(
    "password_policy", _("The password does not follow the rules. Check each message below."), 400
)
TOKEN_REUSED = ErrorCode(
    "token_reused", _("This sign-in was used from elsewhere and has been ended. Please sign in again."), 401
)
NO_MATCH = ErrorCode(
    "no_match",
    _(
        "We could not find a membership with those details. Check your member number, your policy number and"
        " your date of birth."
    ),
    400,
)
MINOR = ErrorCode(
    "minor", _("Members under 18 do not register themselves: their guardian manages their membership."), 403
)
INTERNATIONAL_PLAN = ErrorCode(
    "international_plan",
    _("International plans have their own member area. Please contact our international team."),
    403,
)
POLICY_INACTIVE = ErrorCode(
    "policy_inactive", _("This membership is not active, so it cannot be registered. Please contact us."), 403
)
ALREADY_REGISTERED = ErrorCode(
    "already_registered", _("You already have an account. Sign in, or recover your password if you forgot it."), 409
)
DOCUMENT_MISMATCH = ErrorCode(
    "document_mismatch", _("This document does not match the one we have on record for you."), 400
)
DOCUMENT_TAKEN = ErrorCode(
    "document_taken",
    _("An account already uses this document. If it is yours, sign in with it; otherwise call us."),
    409,
)
LINK_OFFERED = ErrorCode(
    "link_offered",
    _(
        "This document already has an account. If it is yours, confirm its password to link this membership "
        "to it: there is no second account."
    ),
    409,
)
INVALID_CREDENTIALS = ErrorCode("invalid_credentials", _("The document or the password is not right."), 400)
FLOW_EXPIRED = ErrorCode(
    "flow_expired", _("This registration has expired or is already finished. Please start again."), 410
)
ACCOUNT_FROZEN = ErrorCode(
    "account_frozen",
    _("This account is locked for your safety. Recover your password to unlock it, or call us."),
    403,
)
NO_CHANNEL = ErrorCode(
    "no_channel", _("We have no verified email or mobile to send you a code. Please call us to add one."), 403
)
LINK_OTHER_BROWSER = ErrorCode(
    "link_other_browser",
    _("Open this link in the browser where you started signing in, or type the code from the email there."),
    409,
)
REAUTHENTICATION_REQUIRED = ErrorCode(
    "reauthentication_required", _("For your safety, confirm it is you with a code before doing this."), 403
)
LINK_INVALID = ErrorCode(
    "link_invalid",
    _(
        "This link is not valid any more: it was used, replaced by a newer one or is older than 24 hours. "
        "Ask for a new one."
    ),
    410,
)
INVALID_CODE = ErrorCode("invalid_code", _("That code is not right. Check it and try again."), 400)
CODE_EXPIRED = ErrorCode("code_expired", _("That code has expired. Ask for a new one."), 400)
TOO_MANY_ATTEMPTS = ErrorCode(
    "too_many_attempts", _("Too many tries. Ask for a new code, or start again if that does not help."), 400
)
CONTACT_ON_HOLD = ErrorCode(
    "contact_change_on_hold",
    _("Your contact details were changed when you registered, so for your safety they cannot change again yet."),
    403,
)
CURRENT_PASSWORD_INCORRECT = ErrorCode("current_password_incorrect", _("The current password is not correct."), 400)


def flow_id_parse(value: object) -> uuid.UUID:
    """A flow id received at an edge (a path, a session) as a UUID; a malformed one is `flow_expired`,
    the answer an unknown or finished flow gets."""
    return id_parse(value, unknown=FLOW_EXPIRED)
