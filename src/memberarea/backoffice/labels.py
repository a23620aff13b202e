"""Human names for the codes only staff pages show: queued tasks and why a security case was opened.

Audit events and message templates are named in core/labels.py (a member's export shows them too).
"""

from django.utils.translation import gettext_lazy as _

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


def task_label(task_path: str) -> str:
    name = task_path.rpartition(".")[2]
    return str(TASK_LABELS.get(name, name))
