"""Signing out (LOGIN-5): a POST from the header's button, never a link a crawler could follow."""

from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from memberarea.identity.sessions import browser_session_end


@require_POST
def sign_out(request):
    browser_session_end(request=request)
    return redirect("home")
