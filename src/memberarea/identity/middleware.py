"""The language of a signed-in person's pages (UI-1).

The language the browser signed in with (or switched to since) wins for the rest of the session, so
the pages never change language under the member after the second step; without one (a session
from before this rule), the account's remembered language does. The landing page offers to
remember the language in use when it differs from the saved one.
"""

from django.conf import settings
from django.utils import translation

from .sign_in import SESSION_LANGUAGE_KEY


def session_language(request) -> str:
    """The language this signed-in browser is using, or "" when it never said."""
    session = getattr(request, "session", None)
    language = session.get(SESSION_LANGUAGE_KEY, "") if session is not None else ""
    return language if language in dict(settings.LANGUAGES) else ""


class AccountLanguageMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = session_language(request) or user.language
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
