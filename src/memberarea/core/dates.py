"""Instants as staff read them: the insurer's local time with its offset, 04/12/2026 17:05 (UTC+01:00).

Dates and date-times alone use the language's formats (memberarea/formats); this adds the offset so
an audit time is never mistaken for another zone's.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats


def utc_offset_label(moment: dt.datetime) -> str:
    """ "UTC+01:00", "UTC+02:00", "UTC-03:30"."""
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def datetime_with_offset(moment: dt.datetime | None) -> str:
    """The language's DATETIME_FORMAT in the insurer's time zone, followed by the offset; "" for None."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(settings.INSURER_TIME_ZONE))
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({utc_offset_label(local)})"
