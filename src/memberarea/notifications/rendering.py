"""Rendering a message from its templates, in the recipient's language (NOTIF-3).

A template is a folder `notifications/<name>/` found by the normal template loader, so each app
ships its own: `subject.txt` and `body.txt` (email), optional `body.html` (email), and `sms.txt`
(SMS). A template made for one channel only ships that channel's files. Every template gets the brand
(`brand`), `language` and, for marketing, `unsubscribe_url`.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

from memberarea.core.brand import brand

from .models import Channel

TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,100}$")


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    body_text: str
    body_html: str | None


def message_language(language: str) -> str:
    """One of LANGUAGES; anything else (empty, unknown) falls back to the default language."""
    codes = {code for code, _ in settings.LANGUAGES}
    short = (language or "").strip().lower().split("-")[0]
    return short if short in codes else settings.LANGUAGE_CODE


def message_render(
    *, channel: str, template: str, language: str, context: dict, unsubscribe_url: str | None
) -> Rendered:
    if not TEMPLATE_NAME.match(template):
        raise ValueError(f"bad notification template name {template!r}")
    folder = f"notifications/{template}/"
    with translation.override(language):
        full_context = {**context, "brand": brand(), "language": language, "unsubscribe_url": unsubscribe_url}
        if channel == Channel.EMAIL:
            subject = _one_line(render_to_string(folder + "subject.txt", full_context))
            body_text = render_to_string(folder + "body.txt", full_context).strip() + "\n"
            body_html = _render_optional(folder + "body.html", full_context)
        else:
            subject = None  # an SMS has no subject
            body_text = render_to_string(folder + "sms.txt", full_context).strip()
            body_html = None
    if not body_text.strip():
        raise ValueError(f"notification template {template!r} rendered an empty body")
    return Rendered(subject=subject, body_text=body_text, body_html=body_html)


def _render_optional(name: str, context: dict) -> str | None:
    try:
        template = get_template(name)
    except TemplateDoesNotExist:
        return None
    return template.render(context)


def _one_line(text: str) -> str:
    """Subjects are one line: folding whitespace also rules out header injection."""
    return " ".join(text.split())
