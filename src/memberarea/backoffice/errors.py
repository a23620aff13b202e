"""The backoffice app's error codes, in one place: raised by its services and flows, listed by the API.

The AppConfig imports this module in `ready()`, so every code is registered before the first request
(tests/core/test_error_modules.py fails when a code is defined anywhere else).
"""

from django.utils.translation import gettext_lazy as _

from memberarea.core.errors import ErrorCode

NO_ACCOUNT = ErrorCode("member_has_no_account", _("This member has not registered, so there is no account."), 409)
NOT_RETRYABLE = ErrorCode(
    "message_not_retryable", _("This message cannot be sent again: it is not failed, or its content is gone."), 409
)
STAFF_USERNAME_TAKEN = ErrorCode("staff_username_taken", _("An account with that username exists."), 409)
