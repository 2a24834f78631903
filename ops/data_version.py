"""The data version: a token that changes after every committed write to what the pages show.

Cached pages (ops/page_cache.py) are keyed on it, so the rule that keeps them right is simple: any
write to report data must lead to a new token once it is committed. Three paths do that:

- every save, delete and many-to-many change of a model in WATCHED_APPS (and of a user's name),
  through signals, which covers the forms, the importer, the admin and any shell session;
- writes that send no signal (QuerySet.update, bulk_create, raw SQL, loaddata of a restore) call
  `changed()` or `bump()` themselves; tests/ops/test_data_version.py walks every such path;
- nothing else writes report data.

The new token is written after the commit, never inside the writing transaction: a reader that sees
the new token is then sure to see the new rows, and writers never queue on the version row.
"""

from __future__ import annotations

import uuid
from functools import partial

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from ops.models import DataVersion

# Apps whose rows appear on the pages; their history models live in the same apps.
WATCHED_APPS = ("reports", "okrs", "incidents", "documents")
# Logging in saves last_login; that changes nothing any page shows.
USER_FIELDS_NOT_SHOWN = frozenset({"last_login", "password"})
ROW_ID = 1
_PENDING = "reportsite_data_changed"


def token_subquery(connection) -> tuple[str, list]:
    """The token as a scalar subquery, for a statement every request makes anyway to carry along.

    The session store reads it with the session (reportsite/sessions.py): a cached page then costs
    one database round trip fewer: on PostgreSQL about 90 µs of the 0.8–1 ms it took in process.
    """
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    return f"(SELECT token FROM {table} WHERE id = %s)", [ROW_ID]


def current(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The committed token, or None before the first write (nothing may be cached then).

    Plain SQL: every cached page asks this, and the ORM's query building cost more than the query.
    """
    connection = connections[using]
    subquery, params = token_subquery(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {subquery}", params)
        return cursor.fetchone()[0]


def for_request(request) -> str | None:
    """The token this request's session was loaded with, or, where no session brought one, `current()`.

    A token read earlier in the request is as safe as one read now: the page is built after it, from
    data at least as new, so a cached page can only ever be newer than its key, never staler.
    """
    session = getattr(request, "session", None)
    token = getattr(session, "data_version", None)
    return token if token is not None else current()


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Write a new token now. Outside a transaction this is what `changed()` does after the commit."""
    token = uuid.uuid4().hex
    if not DataVersion.objects.using(using).filter(pk=ROW_ID).update(token=token):
        DataVersion.objects.using(using).update_or_create(pk=ROW_ID, defaults={"token": token})


def changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Report data was written on `using`: write a new token once the transaction commits.

    Called for every row a form saves, so it only marks the connection and queues a callback; the
    first callback to run after the commit writes one token and the others find nothing pending.
    Every call queues its own callback because a savepoint rolled back drops the callbacks queued
    inside it, and the writes after it still need one.
    """
    setattr(connections[using], _PENDING, True)
    transaction.on_commit(partial(_bump_if_pending, using), using=using)


def _bump_if_pending(using: str) -> None:
    connection = connections[using]
    if getattr(connection, _PENDING, False):
        setattr(connection, _PENDING, False)
        bump(using)


def _on_save(sender, using, update_fields=None, **kwargs):
    if sender is get_user_model() and update_fields and USER_FIELDS_NOT_SHOWN.issuperset(update_fields):
        return
    changed(using)


def _on_delete(sender, using, **kwargs):
    changed(using)


def _on_m2m(sender, using, action, **kwargs):
    if action.startswith("post_"):
        changed(using)


def watched_models() -> list[type]:
    models = [model for label in WATCHED_APPS for model in apps.get_app_config(label).get_models()]
    return [*models, get_user_model()]


def connect() -> None:
    """Connect the receivers per model: a receiver for every sender would switch off Django's fast
    deletes everywhere, the throttle's sweep of old login failures included."""
    for model in watched_models():
        uid = f"data-version:{model._meta.label_lower}"
        post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}:delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"{uid}:{field.name}")
