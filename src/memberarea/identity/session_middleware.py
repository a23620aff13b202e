"""Every signed-in browser request passes the session registry (LOGIN-5).

Django's session alone would outlive what the registry says: an entry ended from another browser,
a 30-minute idle limit, the 12-hour absolute end. Placed right after AuthenticationMiddleware, this
checks the browser's entry before any view runs and signs the browser out when it is no longer
live, so the page asked for already behaves as signed out (`login_required` sends it to sign-in).
The live entry is available to views as `request.session_record` (None when signed out).
"""

from .sessions import browser_session_check


class SessionRegistryMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request.session_record = None
        if request.user.is_authenticated:
            request.session_record = browser_session_check(request=request)
        return self.get_response(request)
