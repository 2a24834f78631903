"""Django's database sessions, loaded with one plain SQL statement instead of an ORM query.

Every logged-in request loads its session first. Building the ORM query for it took longer than the
database took to answer it (bench/FINDINGS.md, "Team week throughput"), so the load is written out;
saving, expiry and everything else stay Django's own.

The same statement reads the data version (ops/data_version.py), which every cached dashboard needs
next: one round trip instead of two. It is kept as `data_version`, None when no session was found.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from ops import data_version


class SessionStore(db.SessionStore):
    data_version: str | None = None

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
        version, version_params = data_version.token_subquery(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data, {version} FROM {table} WHERE session_key = %s AND expire_date > %s",
                [*version_params, self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        session_data, self.data_version = row
        return session_data
