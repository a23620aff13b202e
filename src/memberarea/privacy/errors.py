"""The privacy app's error codes, in one place: raised by its services, listed by the API.

The AppConfig imports this module in `ready()`, so every code is registered before the first request
(tests/core/test_error_modules.py fails when a code is defined anywhere else).
"""

from django.utils.translation import gettext_lazy as _

from memberarea.core.errors import ErrorCode

MINOR_NO_CHOICES = ErrorCode(
    "minor_has_no_choices",
    _("Nobody under 18 receives marketing or is counted in analytics, so there is nothing to choose for this member."),
    409,
)
NOTICE_NOT_CURRENT = ErrorCode(
    "notice_not_current",
    _("This is not the privacy notice in force any more. Please read the current version and confirm again."),
    409,
)
CAMPAIGN_NOT_EDITABLE = ErrorCode(
    "campaign_not_editable", _("This campaign can no longer be changed: it has been submitted or sent."), 409
)
CAMPAIGN_NOT_SUBMITTED = ErrorCode(
    "campaign_not_submitted", _("Only a campaign waiting for approval can be approved or rejected."), 409
)
CAMPAIGN_OWN_APPROVAL = ErrorCode(
    "campaign_own_approval", _("A campaign must be approved by someone other than the person who drafted it."), 403
)
REQUEST_STEP_NOT_ALLOWED = ErrorCode(
    "request_step_not_allowed",
    _("This step cannot be taken now: the request is closed or not yet at the stage it needs."),
    409,
)
REQUEST_OTHERS_OPEN = ErrorCode(
    "request_others_open",
    _(
        "This member has other requests still open. Answer or refuse them first: once their data is erased"
        " they could no longer be answered."
    ),
    409,
)
REQUEST_EXTENSION_LIMIT = ErrorCode(
    "request_extension_limit",
    _("This request cannot be extended again: the rules for its deadline allow no further extension."),
    409,
)
PRIVACY_CENTRE_CLOSED = ErrorCode(
    "privacy_centre_closed",
    _("Your policy ended too long ago to make a request here. Please write to our privacy team instead."),
    403,
)
EXPORT_NOT_READY = ErrorCode(
    "export_not_ready", _("This copy of your data is not ready to download, or it has expired."), 409
)
DOWNLOAD_LINK_USED = ErrorCode(
    "download_link_used",
    _("This download link has already been used. Ask for a new link from the privacy centre."),
    410,
)
DOWNLOAD_LINK_EXPIRED = ErrorCode(
    "download_link_expired", _("This download link has expired. Ask for a new link from the privacy centre."), 410
)
PARTNER_EXPORT_NOT_READY = ErrorCode(
    "partner_export_not_ready",
    _("This export cannot be downloaded: it is still being built, it failed, or its file has expired."),
    409,
)
