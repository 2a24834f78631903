"""Portable JSON backups of every row the app owns, restorable into a freshly migrated database.

Rows that migrations create themselves (content types, permissions, role groups) are written with their
natural keys, and every reference to them uses natural keys too, so a restore matches them by name
whatever primary keys the target database gave them. Everything else keeps its primary key.
pg_dump remains the faster option for one PostgreSQL server to another; this format also moves data
between SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, router, transaction

from ops import data_version

FORMAT_VERSION = 1
# Created by migrations in every database, so they are matched by natural key rather than primary key.
MIGRATION_MADE = {ContentType, Permission, Group}
# Transient: restoring sessions would log people back in; throttling state and the data version belong
# to the old server (a restore writes a new data version itself), kept fragments, the values' ranking
# figures and the updates' look-back figures are worked out again from the data.
SKIPPED_LABELS = {
    "sessions.session",
    "ops.loginfailure",
    "ops.dataversion",
    "ops.scopeddataversion",
    "ops.keptfragment",
    "reports.kpivaluefigures",
    "okrs.keyresultupdatefigures",
}


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class RestoreRefused(Exception):
    """The target database already holds data and --force was not given."""


def backed_up_models() -> list[type]:
    """Every concrete model with its own table, in an order where referenced rows come first."""
    candidates = [
        model
        for config in apps.get_app_configs()
        for model in config.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in SKIPPED_LABELS
        and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)
    ]
    ordered = serializers.sort_dependencies([(None, candidates)], allow_cycles=True)
    return ordered


def iter_records():
    for model in backed_up_models():
        queryset = model._default_manager.order_by("pk")
        yield from serializers.serialize(
            "python",
            queryset.iterator(chunk_size=2000),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=model in MIGRATION_MADE,
        )


def write_backup(stream: io.TextIOBase) -> int:
    """Write a JSON array of serialised rows to `stream`; returns the number of rows."""
    count = 0
    stream.write("[\n")
    for record in iter_records():
        if count:
            stream.write(",\n")
        stream.write(json.dumps(record, cls=ExactJSONEncoder, ensure_ascii=False))
        count += 1
    stream.write("\n]\n")
    return count


def backup_to_file(path: Path) -> int:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as stream:
        return write_backup(stream)


def rows_in_the_way() -> dict[str, int]:
    """Rows that a restore would collide with; migration-made rows are expected and do not count."""
    found = {}
    for model in backed_up_models():
        if model in MIGRATION_MADE:
            continue
        count = model._default_manager.count()
        if count:
            found[model._meta.label] = count
    return found


def _validate(path: Path) -> None:
    """Read the whole file before touching the database, so a truncated or foreign file changes nothing."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as stream:
            data = json.load(stream)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a readable JSON backup: {error}") from None
    if not isinstance(data, list) or not all(
        isinstance(row, dict) and "model" in row and "fields" in row for row in data
    ):
        raise ValueError(f"{path} is not a reportsite backup (expected a JSON list of serialised rows).")


def flush_database() -> None:
    """Empty every table; post_migrate then recreates content types and permissions (not groups)."""
    deferrable = connection.vendor == "postgresql"
    if deferrable:
        # TRUNCATE refuses while deferred foreign-key checks from earlier writes in this transaction are
        # pending: run them now, then defer again so loaddata may insert rows before the rows they reference.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if deferrable:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def restore_from_file(path: Path, *, force: bool = False) -> None:
    if not path.is_file():
        raise ValueError(f"{path} does not exist or is not a file.")
    if not path.name.endswith((".json", ".json.gz")):
        raise ValueError(f"{path}: a backup file name ends in .json or .json.gz.")
    _validate(path)
    with transaction.atomic():
        in_the_way = rows_in_the_way()
        if in_the_way and not force:
            summary = ", ".join(f"{label}: {count}" for label, count in sorted(in_the_way.items()))
            raise RestoreRefused(
                "The database is not empty (" + summary + "). Restore into a freshly migrated database, "
                "or pass --force to delete all existing data first."
            )
        if in_the_way or force:
            flush_database()
        call_command("loaddata", str(path.resolve()), verbosity=0)
        # The flush sent no signals: cached pages of the replaced data must go whatever was loaded.
        data_version.changed()
