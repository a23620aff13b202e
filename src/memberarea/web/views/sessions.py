"""Signing out and "Your sessions and devices" (LOGIN-5, LOGIN-6).

Every action is a POST from a plain form, so the page works without JavaScript and nothing a
crawler follows can end a session. Ending this browser's own session signs it out.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from memberarea.core.errors import MemberAreaError
from memberarea.identity.devices import trusted_device_current
from memberarea.identity.sessions import (
    TRUSTED_DEVICE,
    browser_session_end,
    session_end,
    sessions_end_others,
    sessions_for,
)

SIGNED_OUT = "signed-out"  # the notice's tag, so pages and tests can tell it


@require_POST
def sign_out(request):
    """Sign out and say so on the home page (a status message, read out by screen readers)."""
    was_signed_in = request.user.is_authenticated
    browser_session_end(request=request)
    if was_signed_in:
        messages.success(request, _("You have signed out. To come back, sign in again."), extra_tags=SIGNED_OUT)
    return redirect("home")


@login_required
@require_GET
def sessions_page(request):
    device = trusted_device_current(request, request.user)
    entries = sessions_for(
        request.user,
        current_session_id=request.session_record.pk if request.session_record else None,
        current_device_id=device.pk if device else None,
    )
    context = {
        "entries": entries,
        "others": sum(not entry.current for entry in entries),
        "time_zone": settings.INSURER_TIME_ZONE,
    }
    return render(request, "web/account/sessions.html", context)


@login_required
@require_POST
def session_end_view(request, entry_id: uuid.UUID):
    if request.session_record is not None and request.session_record.pk == entry_id:
        browser_session_end(request=request)
        messages.success(request, _("You have signed out of this browser."))
        return redirect("home")
    device = trusted_device_current(request, request.user)
    try:
        ended = session_end(account=request.user, session_id=entry_id, actor=request.user)
    except MemberAreaError:
        raise Http404 from None
    if ended == TRUSTED_DEVICE:
        messages.success(request, _("The device has been forgotten: it will be asked for a code at its next sign-in."))
    else:
        messages.success(request, _("The session has ended. That device is signed out."))
    response = redirect("account-sessions")
    if device is not None and device.pk == entry_id:
        response.delete_cookie(settings.TRUSTED_DEVICE_COOKIE, samesite="Lax")
    return response


@login_required
@require_POST
def sessions_end_others_view(request):
    ended = sessions_end_others(
        account=request.user, keep=request.session_record, keep_device=trusted_device_current(request, request.user)
    )
    messages.success(
        request,
        ngettext(
            "%(count)d other session or device has been ended.",
            "%(count)d other sessions and devices have been ended.",
            ended,
        )
        % {"count": ended},
    )
    return redirect("account-sessions")
