"""Staff-page filters: human names of event and message codes (times: core's `insurer_dates`)."""

from django import template

from memberarea.backoffice.labels import task_label
from memberarea.core.labels import event_label, message_label

register = template.Library()


register.filter("event_label", event_label)
register.filter("message_label", message_label)
register.filter("task_label", task_label)
