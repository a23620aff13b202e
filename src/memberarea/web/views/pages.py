"""Home and help pages (UI-3)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

HELP_TOPICS = {
    "register": _("How to register"),
    "passwords": _("Password rules"),
    "two-step": _("Two-step verification"),
    "forgotten-username": _("Forgotten username"),
    "contact": _("Contact us"),
}


def home(request):
    return render(request, "web/home.html", {"help_topics": HELP_TOPICS})


def help_index(request):
    return render(request, "web/help/index.html", {"help_topics": HELP_TOPICS})


def help_topic(request, topic: str):
    if topic not in HELP_TOPICS:
        raise Http404
    return render(
        request,
        f"web/help/{topic}.html",
        {"help_topics": HELP_TOPICS, "topic": topic, "title": HELP_TOPICS[topic]},
    )
