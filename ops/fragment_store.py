"""A cache for rendered fragments: each process's memory in front, a database table behind.

The overview keeps one part per team under that team's data version (pages/overview.py). In memory
alone every server process built all thirty parts again after each restart, each process for itself,
and the first view after a deploy cost ten times a view after a lead's save (bench/FINDINGS.md §11).
Behind the memory the parts are kept in `ops.KeptFragment`: a process that lacks an entry reads it in
one query with the others it lacks, and what a process builds it writes in one upsert, for all.

Entries are keyed on the data they were built from and on the code that built them (`code_identity`:
a new release prints cards and rows its own way, and may pickle other classes), so none is ever stale
and no timeout applies:
memory drops the least recently used (MAX_ENTRIES), the table sweeps entries not written for
KEEP_DAYS (each process sweeps at most every SWEEP_SECONDS). The table is an optimisation: when it
cannot be read or written (a database locked by a writer, a table not migrated yet) the page is built
as without it, and the error is logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import re
import time
from contextlib import nullcontext
from functools import cache

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT, MEMCACHE_MAX_KEY_LENGTH, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

from ops.models import KeptFragment

logger = logging.getLogger(__name__)
# SQLite allows 999 parameters per statement in older builds (a row writes three); a page reads ~130 keys.
BATCH = 300


# What a kept fragment is made by: the code, the templates and the compiled translations.
CODE_SUFFIXES = (".py", ".html", ".mo")
# Not walked: what prints nothing a page keeps, and virtual environments kept beside the code.
NOT_CODE = frozenset(
    {"tests", "bench", "docs", "examples", "node_modules", "staticfiles", "media", "__pycache__"}
    | {"venv", "env"}
)


@cache
def code_identity() -> str:
    """A digest of the release's code, the same in every process of one release (it reads contents, not
    times), so processes of a new release never read what an old one kept, even while both run."""
    digest = hashlib.blake2b(digest_size=8)
    for root, dirs, files in os.walk(settings.BASE_DIR):
        dirs[:] = sorted(name for name in dirs if name not in NOT_CODE and not name.startswith("."))
        for name in sorted(files):
            if name.endswith(CODE_SUFFIXES):
                path = os.path.join(root, name)
                digest.update(os.path.relpath(path, settings.BASE_DIR).encode())
                with open(path, "rb") as source:
                    digest.update(source.read())
    return digest.hexdigest()


# What Django's key check warns of: a space or a control character (memcached refuses them).
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class _QuickKeyCheck:
    """Django's key check only where a scan in C finds cause: the check walks every character of a key in
    Python, and the overview built from nothing gives ~200 keys, each checked by memory and table."""

    def validate_key(self, key):
        if len(key) > MEMCACHE_MAX_KEY_LENGTH or _SPACE_OR_CONTROL.search(key):
            super().validate_key(key)


class _Memory(_QuickKeyCheck, LocMemCache):
    """The process's memory, which also takes entries pickled already: each entry is pickled once, for
    memory and table alike (twice was 3 of the 9 ms a thirty-team overview took to keep its parts,
    bench/FINDINGS.md §22)."""

    def set_pickled_many(self, pickled: dict[str, bytes], version=None) -> None:
        for key, value in pickled.items():
            stored = self.make_and_validate_key(key, version=version)
            with self._lock:
                self._set(stored, value, None)


class KeptFragmentCache(_QuickKeyCheck, BaseCache):
    """OPTIONS: MAX_ENTRIES (in memory, per process), KEEP_DAYS (in the table, since last written),
    SWEEP_SECONDS (how often a process sweeps the table)."""

    def __init__(self, location, params):
        options = params.get("OPTIONS", {})
        self.keep_days = int(options.get("KEEP_DAYS", 14))
        self.sweep_seconds = int(options.get("SWEEP_SECONDS", 3600))
        self._swept_at: float | None = None
        front_options = {
            key: value for key, value in options.items() if key not in ("KEEP_DAYS", "SWEEP_SECONDS")
        }
        super().__init__({**params, "OPTIONS": front_options, "TIMEOUT": None})
        self.key_prefix = f"{code_identity()}:{self.key_prefix}"
        self.memory = _Memory(location, {**params, "OPTIONS": front_options, "TIMEOUT": None})

    # ------------------------------------------------------------ reading

    def get_many(self, keys, version=None):
        keys = list(keys)
        found = self.memory.get_many(keys, version=version)
        missing = [key for key in keys if key not in found]
        if missing:
            pickled, from_table = self._read(missing, version)
            self.memory.set_pickled_many(pickled, version=version)
            found.update(from_table)
        return found

    def get(self, key, default=None, version=None):
        return self.get_many([key], version=version).get(key, default)

    def has_key(self, key, version=None):
        return key in self.get_many([key], version=version)

    def _read(self, keys: list[str], version) -> tuple[dict[str, bytes], dict]:
        """The entries kept in the table, pickled and read, by key; those that cannot be read left out."""
        by_stored = {self.make_and_validate_key(key, version=version): key for key in keys}
        rows = []
        try:
            stored_keys = list(by_stored)
            for start in range(0, len(stored_keys), BATCH):
                rows += self._select(stored_keys[start : start + BATCH])
        except DatabaseError:
            logger.warning("Kept fragments could not be read; building them instead.", exc_info=True)
            return {}, {}
        pickled, found = {}, {}
        for stored, value in rows:
            key = by_stored[stored]
            try:
                found[key] = pickle.loads(value)  # noqa: S301 - written by this cache only
            except Exception:  # noqa: BLE001 - an entry that cannot be read is one to build again
                logger.warning("A kept fragment could not be read; building it instead.", exc_info=True)
                continue
            # PostgreSQL returns a bytea as a memoryview.
            pickled[key] = bytes(value)
        return pickled, found

    def _select(self, stored_keys: list[str]) -> list[tuple[str, bytes]]:
        """The rows of these keys, in plain SQL as `_upsert` writes them: building and compiling the
        queryset took ten times what the database took to answer (~0.5 ms a view of the overview)."""
        connection = connections[self._db]
        quote = connection.ops.quote_name
        table, key, value = quote(KeptFragment._meta.db_table), quote("key"), quote("value")
        placeholders = ", ".join(["%s"] * len(stored_keys))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {key}, {value} FROM {table} WHERE {key} IN ({placeholders})", stored_keys)
            return cursor.fetchall()

    # ------------------------------------------------------------ writing

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Keep the entries in memory and in the table; `timeout` is not used (see the module)."""
        pickled = {key: pickle.dumps(value, pickle.HIGHEST_PROTOCOL) for key, value in dict(data).items()}
        self.memory.set_pickled_many(pickled, version=version)
        now = timezone.now()
        # In key order: two processes upserting overlapping keys then lock rows in the same order, and
        # PostgreSQL has no deadlock to break.
        rows = sorted(
            (self.make_and_validate_key(key, version=version), value) for key, value in pickled.items()
        )
        try:
            with self._statement_guard():
                self._upsert(rows, now)
                self._sweep(now)
        except DatabaseError:
            logger.warning("Fragments could not be kept in the database; kept in memory only.", exc_info=True)
        return []

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version=version):
            return False
        self.set(key, value, timeout, version=version)
        return True

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.has_key(key, version=version)

    def delete(self, key, version=None):
        in_memory = self.memory.delete(key, version=version)
        stored = self.make_and_validate_key(key, version=version)
        deleted, _by_model = KeptFragment.objects.using(self._db).filter(key=stored).delete()
        return in_memory or bool(deleted)

    def clear(self):
        """Forget every entry, in this process and in the table."""
        self.memory.clear()
        KeptFragment.objects.using(self._db).all().delete()

    def forget_in_this_process(self):
        """Drop this process's memory only, as a restart does; the table keeps its entries."""
        self.memory.clear()

    def _upsert(self, rows: list[tuple[str, bytes]], now: dt.datetime) -> None:
        """Insert or replace the rows, one statement per BATCH rows.

        Plain SQL, which SQLite (3.24+) and PostgreSQL both read: bulk_create(update_conflicts=True)
        prepared every field of every row and opened a transaction, ~3 ms of a cold overview's ~25.
        """
        connection = connections[self._db]
        quote = connection.ops.quote_name
        table = quote(KeptFragment._meta.db_table)
        key, value, written_at = (quote(name) for name in ("key", "value", "written_at"))
        written = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                cursor.execute(
                    f"INSERT INTO {table} ({key}, {value}, {written_at}) VALUES "
                    + ", ".join(["(%s, %s, %s)"] * len(batch))
                    + f" ON CONFLICT ({key}) DO UPDATE SET {value} = excluded.{value},"
                    f" {written_at} = excluded.{written_at}",
                    [item for stored, pickled in batch for item in (stored, pickled, written)],
                )

    def _sweep(self, now: dt.datetime) -> None:
        """Delete the entries not written for KEEP_DAYS: at the first write of a process, then hourly."""
        clock = time.monotonic()
        if self._swept_at is not None and clock - self._swept_at < self.sweep_seconds:
            return
        self._swept_at = clock
        KeptFragment.objects.using(self._db).filter(
            written_at__lt=now - dt.timedelta(days=self.keep_days)
        ).delete()

    def _statement_guard(self):
        """A savepoint inside a caller's transaction, so a failed write cannot poison it; none outside one,
        where each statement commits alone (a BEGIN and COMMIT cost two round trips on PostgreSQL)."""
        if connections[self._db].in_atomic_block:
            return transaction.atomic(using=self._db)
        return nullcontext()

    @property
    def _db(self) -> str:
        return router.db_for_write(KeptFragment)
