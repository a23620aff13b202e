"""Home and help pages (UI-3)."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from memberarea.privacy.notices import notice_announced
from memberarea.privacy.selectors import document_shown


@dataclass(frozen=True)
class HelpTopic:
    """A help page: its slug is both the URL segment and the template name under web/help/."""

    slug: str
    title: Promise
    summary: Promise


HELP_TOPICS = (
    HelpTopic("register", _("How to register"), _("The three steps, what you need and who can register.")),
    HelpTopic("passwords", _("Password rules"), _("What a valid password looks like and what we will never ask you.")),
    HelpTopic("two-step", _("Two-step verification"), _("What to do when the code does not arrive or has expired.")),
    HelpTopic(
        "forgotten-username",
        _("Forgotten username"),
        _("Which identity document is your username and how to find out."),
    ),
    HelpTopic("contact", _("Contact us"), _("Telephone numbers, email addresses and our postal address.")),
)
_BY_SLUG = {topic.slug: topic for topic in HELP_TOPICS}


def home(request):
    """The home page; it announces a notice version in its first days (PRIV-1)."""
    announced = notice_announced()
    context = {"announced": document_shown(announced, get_language()) if announced else None}
    return render(request, "web/home.html", context)


def help_index(request):
    return render(request, "web/help/index.html", {"help_topics": HELP_TOPICS})


def help_topic(request, topic: str):
    current = _BY_SLUG.get(topic)
    if current is None:
        raise Http404
    return render(request, f"web/help/{current.slug}.html", {"help_topics": HELP_TOPICS, "topic": current})
