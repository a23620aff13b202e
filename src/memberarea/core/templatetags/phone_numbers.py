"""`{{ number|phone }}`: a stored mobile (E.164, `+34611222333`) as people read it, `+34 611 22 23 33`.

Anything that is not a whole number in E.164 — a masked value, an empty one — is shown as it is.
"""

import phonenumbers
from django import template

register = template.Library()


@register.filter
def phone(value: object) -> object:
    if not isinstance(value, str) or not value.startswith("+"):
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
