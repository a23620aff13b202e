"""Bearer authentication for the app's endpoints (LOGIN-5): a live access token of a live account.

`request.auth` is the SessionRecord; its account is `request.auth.account`. Anything else (no
token, an expired one, an ended session, a frozen account) is `unauthenticated` (401).
"""

from ninja.security import HttpBearer

from memberarea.identity.sessions import app_session_for_access_token


class AppToken(HttpBearer):
    def authenticate(self, request, token: str):
        return app_session_for_access_token(token)


app_token = AppToken()
