"""The enrollment app's error codes, in one place: raised by its services and flows, listed by the API.

The AppConfig imports this module in `ready()`, so every code is registered before the first request
(tests/core/test_error_modules.py fails when a code is defined anywhere else).
"""

from django.utils.translation import gettext_lazy as _

from memberarea.core.errors import ErrorCode

WELCOME_NO_RECIPIENT = ErrorCode(
    "welcome_no_recipient",
    _("This membership has no email to send the welcome to (nor, for a minor, a guardian's)."),
    409,
)

IMPORT_FILE_REFUSED = ErrorCode(
    "import_file_refused",
    _("This file cannot be imported as it is; nothing in it was applied."),
    400,
)
