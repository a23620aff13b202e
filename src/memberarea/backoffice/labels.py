"""Human names for the codes only staff pages show: queued tasks, why a security case was opened, and
the kinds of rights request as an officer names them (the member reads "A copy of your data").

Audit events and message templates are named in core/labels.py (a member's export shows them too).
"""

from django.utils.translation import gettext_lazy as _

from memberarea.core.labels import named

# By the task function's name (the last part of its task path).
TASK_LABELS = {
    "message_deliver_task": _("Message delivery"),
    "partner_export_task": _("Partner export"),
    "recovery_link_send": _("Password recovery link"),
    "username_reminder_send": _("Forgotten username"),
}


# Why a security case was opened (PRIV-13): the model's own labels are for developers.
CASE_REASON_LABELS = {
    "not_me": _("The member said a change was not theirs"),
    "compromised": _("The member said the account may be compromised"),
    "staff_freeze": _("A security officer froze the account"),
}


# The kinds of rights request (PRIV-8) in the officer's words; the model's labels speak to the member.
REQUEST_KIND_LABELS = {
    "access": _("Access: a copy of the data"),
    "portability": _("Portability: the data to take elsewhere"),
    "correction": _("Correction"),
    "restriction": _("Restriction of processing"),
    "erasure": _("Erasure"),
    "objection": _("Objection to marketing"),
    "shine_the_light": _("Shine the Light"),
}


def request_kind_label(kind: str) -> str:
    return named(REQUEST_KIND_LABELS, kind)


def task_label(task_path: str) -> str:
    return named(TASK_LABELS, task_path.rpartition(".")[2])
