"""Django's database sessions, loaded with one plain SQL statement instead of an ORM query.

Every logged-in request loads its session first. Building the ORM query for it took longer than the
database took to answer it (bench/FINDINGS.md, "Team week throughput"), so the load is written out;
saving, expiry and everything else stay Django's own.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self):
        session_data = self._load_session_data() if self.session_key else None
        if session_data is None:
            # As Django's store does: an unknown or expired key is dropped, so a new one is issued.
            self._session_key = None
            return {}
        return self.decode(session_data)

    def _load_session_data(self) -> str | None:
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        # SQLite compares stored datetimes as text, so "now" goes in the same form Django stores.
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        return row[0] if row else None
