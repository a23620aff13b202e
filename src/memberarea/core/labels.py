"""Human names for audit events and message templates, translated: what staff pages and a member's
own data export show instead of codes.

A test fails when an event written anywhere in src/ or a message template has no name here. An
unknown code (an entry older than a renamed event) shows as itself.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "account.closed": _("Account closed"),
    "account.contact_changed": _("Member changed an email or mobile"),
    "account.created": _("Account created"),
    "consent_changed": _("Privacy choice changed"),
    "account.frozen": _("Account frozen"),
    "account.language_changed": _("Member changed the language"),
    "account.password_changed": _("Member changed the password"),
    "account.password_recovered": _("Password recovered"),
    "account.password_set_by_operator": _("Password set by an operator"),
    "account.registered": _("Member registered"),
    "account.username_reminded": _("Forgotten username sent"),
    "aggregate.exported": _("Aggregate report downloaded"),
    "campaign.approved": _("Campaign approved by a privacy officer"),
    "campaign.batch_queued": _("Campaign batch queued"),
    "campaign.changed": _("Campaign draft changed"),
    "campaign.drafted": _("Campaign drafted"),
    "campaign.rejected": _("Campaign rejected by a privacy officer"),
    "campaign.sent": _("Campaign sent"),
    "campaign.submitted": _("Campaign submitted for approval"),
    "device.new_sign_in": _("Sign-in from a new device"),
    "device.revoked": _("Trusted device removed"),
    "device.trusted": _("Device trusted"),
    "document.published": _("Document version published"),
    "enrollment.import_applied": _("Enrollment import applied"),
    "enrollment.integration_client_created": _("Integration client created"),
    "enrollment.integration_client_revoked": _("Integration client revoked"),
    "enrollment.membership_linked": _("Membership linked to an account"),
    "enrollment.person_account_linked": _("Person linked to an account"),
    "enrollment.person_suppressed": _("Person put on the suppression list"),
    "enrollment.welcome_resent": _("Welcome queued again"),
    "login.completed": _("Sign-in completed"),
    "login.locked": _("Sign-in locked after failures"),
    "login.stepped_up": _("Identity confirmed again (step-up)"),
    "member.card_downloaded": _("Card downloaded"),
    "member.coming_of_age_sent": _("Coming-of-age invitation sent"),
    "member.guardian_ending_sent": _("Guardian told that guardianship ends"),
    "notice.acknowledged": _("Member read a new privacy notice"),
    "notice.in_force_at_sign_in": _("Privacy notice in force at sign-in"),
    "privacy.export_downloaded": _("Member downloaded a copy of their data"),
    "privacy.export_started": _("Member asked for a copy of their data"),
    "privacy.person_erased": _("Person's portal data erased"),
    "privacy.request_received": _("Rights request received"),
    "privacy.request_identity_confirmed": _("Rights request: identity confirmed"),
    "privacy.request_in_progress": _("Rights request: work started"),
    "privacy.request_extended": _("Rights request: deadline extended"),
    "privacy.request_regime_changed": _("Rights request: regime changed"),
    "privacy.request_correction_applied": _("Rights request: correction applied"),
    "privacy.request_done": _("Rights request completed"),
    "privacy.request_refused": _("Rights request refused"),
    "privacy.partner_export_built": _("Partner export built"),
    "privacy.partner_export_downloaded": _("Partner export downloaded"),
    "privacy.partner_export_started": _("Partner export started"),
    "privacy.partner_export_withdrawn": _("Partner export withdrawn: someone in it had their data erased"),
    "privacy.restriction_lifted": _("Restriction of processing lifted"),
    "privacy.restriction_started": _("Restriction of processing started"),
    "privacy.shine_the_light_answered": _("Shine the Light answered"),
    "recovery.link_sent": _("Password recovery link sent"),
    "registration.started": _("Registration started"),
    "session.ended": _("Session ended"),
    "session.ended_all": _("Every session ended"),
    "session.ended_others": _("Other sessions ended"),
    "session.started": _("Session started"),
    "staff.account_frozen": _("Staff froze the account"),
    "staff.contact_updated": _("Staff updated an email or mobile"),
    "staff.created": _("Staff account created"),
    "staff.deactivated": _("Staff account deactivated"),
    "staff.email_set": _("Staff work email set"),
    "staff.member_accessed": _("Staff opened a member's record"),
    "staff.message_retried": _("Staff sent a message again"),
    "staff.core_message_retried": _("Staff sent a message to the core system again"),
    "staff.roles_changed": _("Staff roles changed"),
    "staff.sessions_ended": _("Staff ended the member's sessions"),
    "staff.sign_in_unlocked": _("Staff unlocked sign-in"),
    "staff.username_changed": _("Staff changed the username"),
    "staff.welcome_resent": _("Staff resent the welcome"),
}

MESSAGE_LABELS = {
    "account_frozen": _("Account frozen"),
    "assisted_change": _("Change made by customer service"),
    "campaign": _("Marketing campaign"),
    "coming_of_age": _("Coming-of-age invitation"),
    "contact_changed": _("Contact changed"),
    "contact_code": _("Contact confirmation code"),
    "guardian_ending": _("Guardianship ending"),
    "login_code": _("Sign-in code"),
    "rights_request_step": _("Rights request update"),
    "login_locked": _("Sign-in locked"),
    "new_device": _("New device"),
    "password_changed": _("Password changed"),
    "password_reset": _("Password reset link"),
    "registration_code": _("Registration code"),
    "registration_complete": _("Registration completed"),
    "registration_contact_replaced": _("Contact replaced at registration"),
    "registration_link_code": _("Account linking code"),
    "test_message": _("Test message"),
    "username_changed": _("Username changed"),
    "username_reminder": _("Forgotten username"),
    "welcome": _("Welcome"),
    "welcome_rejoined": _("Welcome (re-joined)"),
}


def named(labels: Mapping[str, Any], code: str) -> str:
    """The code's name from `labels`, translated; the code itself when it has none."""
    return str(labels.get(code, code))


def event_label(code: str) -> str:
    return named(EVENT_LABELS, code)


def message_label(template: str) -> str:
    return named(MESSAGE_LABELS, template)
