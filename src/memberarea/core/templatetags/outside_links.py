"""`{% outside_link url text %}`: a link to another site in the one marked form (PRIV-15, core.links)."""

from django import template
from django.utils.safestring import SafeString

from memberarea.core.links import outside_anchor

register = template.Library()


@register.simple_tag
def outside_link(url: str, text: str) -> SafeString:
    return outside_anchor(url, text)
