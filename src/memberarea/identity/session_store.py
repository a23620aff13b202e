"""Django's database sessions, read by a prepared read (decision 0048).

Every signed-in request reads its session row first. Django's own read builds and compiles a
queryset of the key and the expiry each time; this one runs the ORM's SQL for the key, built once,
and checks the expiry on the row, as Django's does: an expired or unknown session is no session.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from memberarea.core.rows import PreparedRead, row_or_none

_SESSION = PreparedRead(lambda key: Session.objects.filter(session_key=key), Session._meta.get_field("session_key"))


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        row = row_or_none(_SESSION.rows(self.session_key))
        if row is None or row.expire_date <= timezone.now():
            self._session_key = None
            return None
        return row
