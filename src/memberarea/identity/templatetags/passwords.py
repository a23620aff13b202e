"""`{% password_rules as rules %}`: the active profile's rules for any template, so no view has to pass them."""

from django import template

from memberarea.identity.passwords import password_rules_for_display

register = template.Library()


@register.simple_tag
def password_rules(*, submit_only: bool = False) -> list[dict[str, str | int]]:
    return password_rules_for_display(submit_only=submit_only)
