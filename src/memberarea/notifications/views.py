"""The development outbox pages (NOTIF-1): what the outbox channel delivered, newest first.

Demo mode only; every other deployment answers 404 (production settings refuse demo mode and the
outbox channel, so there is nothing to show there anyway). Read-only.
"""

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .selectors import dev_integration_messages, dev_outbox_entries


def _demo_only() -> None:
    if not settings.DEMO_MODE:
        raise Http404


@require_safe
@never_cache
def dev_outbox(request: HttpRequest) -> HttpResponse:
    _demo_only()
    return render(
        request,
        "notifications/dev/outbox.html",
        {"entries": dev_outbox_entries(), "integration_messages": dev_integration_messages()},
    )


@require_safe
@never_cache
def dev_outbox_json(request: HttpRequest) -> JsonResponse:
    _demo_only()
    messages = [
        {
            "reference": entry.reference,
            "channel": entry.channel,
            "kind": entry.kind,
            "language": entry.language,
            "to": entry.to,
            "subject": entry.subject,
            "body_text": entry.body_text,
            "body_html": entry.body_html,
            "headers": json.loads(entry.headers),
            "delivered_at": entry.delivered_at.isoformat(),
        }
        for entry in dev_outbox_entries()
    ]
    core_system = [
        {
            "topic": message.topic,
            "reference": message.reference,
            "state": message.state,
            "payload": json.loads(message.payload) if message.payload else None,
            "created_at": message.created_at.isoformat(),
        }
        for message in dev_integration_messages()
    ]
    return JsonResponse(
        {"messages": messages, "core_system_messages": core_system}, json_dumps_params={"ensure_ascii": False}
    )
