"""`{{ moment|datetime_with_offset }}`: staff pages' date-times, with the insurer's offset (core/dates.py)."""

from django import template

from memberarea.core.dates import datetime_with_offset as _datetime_with_offset

register = template.Library()


@register.filter
def datetime_with_offset(moment) -> str:
    return _datetime_with_offset(moment)
