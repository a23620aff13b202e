"""Staff-page filters: times in the insurer's zone with their offset, human names of codes."""

import datetime as dt
import zoneinfo

from django import template
from django.conf import settings

from memberarea.backoffice.labels import event_label, message_label

register = template.Library()


@register.filter
def local_time(value: dt.datetime | None) -> str:
    """An aware instant in the insurer's time zone with its UTC offset: `04/12/2026 17:05 (UTC+01:00)`."""
    if not isinstance(value, dt.datetime):
        return ""
    local = value.astimezone(zoneinfo.ZoneInfo(settings.INSURER_TIME_ZONE))
    offset = local.strftime("%z")
    return f"{local:%d/%m/%Y %H:%M} (UTC{offset[:3]}:{offset[3:]})"


register.filter("event_label", event_label)
register.filter("message_label", message_label)
