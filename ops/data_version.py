"""The data version: tokens that change after every committed write to what the pages show.

Cached pages (ops/page_cache.py) are keyed on the page token, so the rule that keeps them right is
simple: any write to report data must lead to a new token once it is committed. Three paths do that:

- every save, delete and many-to-many change of a model in WATCHED_APPS (and of a user's name),
  through signals, which covers the forms, the importer, the admin and any shell session;
- writes that send no signal (QuerySet.update, bulk_create, raw SQL, loaddata of a restore) call
  `changed()` or `bump()` themselves; tests/ops/test_data_version.py walks every such path;
- nothing else writes report data.

Beside the page token each team has its own (ScopedDataVersion), which changes only with writes to
that team's rows, so the overview can keep every team's part and re-render only the teams written to.
A write is put on its team by following the row's path to it (a value's KPI, the KPI's team), through
objects already loaded where it can and with one query per kind of row at the commit otherwise. A
write whose team is unknown (a week, a person, a restore, a row moved between teams by an admin
whose old team was not loaded) changes the department's token, which every team's part is keyed on:
when in doubt, everything is rebuilt. A write to a person (a name, a new lead) changes the people's
token: names are printed beside rows but count in no team's figures, so the overview writes its cards
and rows again and keeps every part.

The new tokens are written after the commit, never inside the writing transaction: a reader that
sees a new token is then sure to see the new rows, and writers never queue on the version rows.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, partial

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save

from ops.models import DataVersion, ScopedDataVersion

# Apps whose rows appear on the pages; their history models live in the same apps.
WATCHED_APPS = ("reports", "okrs", "incidents", "documents")
# Logging in saves last_login; that changes nothing any page shows.
USER_FIELDS_NOT_SHOWN = frozenset({"last_login", "password"})
ROW_ID = 1
DEPARTMENT = ScopedDataVersion.DEPARTMENT
PEOPLE = ScopedDataVersion.PEOPLE
_PENDING = "reportsite_data_changed"
# Each row's way to its team: the field that leads there, by model label. A history record takes its
# model's way (simple-history copies the fields). Models not named here belong to the department.
TEAM_PATHS = {
    "reports.team": "id",
    "reports.weeklyreport": "team",
    "reports.reportsection": "report",
    "reports.todoitem": "report",
    "reports.planitem": "report",
    "reports.kpi": "team",
    "reports.kpivalue": "kpi",
    "okrs.objective": "team",
    "okrs.keyresult": "objective",
    "okrs.keyresultupdate": "key_result",
    "incidents.incident": "team",
    "incidents.followupaction": "incident",
}
# Where a loaded row keeps the value its path field had when it was read: an admin who moves a KPI to
# another team changes both teams' pages.
_LOADED = "_data_version_loaded_path"


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


def with_team_tokens(teams: QuerySet) -> QuerySet:
    """Teams with their committed token, the department's and the people's.

    As `data_token`, `department_token` and `people_token`, read with the teams in the same statement.
    Without the department's row (a flushed database) nothing may be kept: `department_token` is None.
    A team without a row has had no write of its own since the department's token was written (its first
    write adds the row): its token is "", as is the people's before the first write to a person.
    """
    rows = ScopedDataVersion.objects.using(teams.db)
    return teams.annotate(
        data_token=Coalesce(Subquery(rows.filter(scope=OuterRef("pk")).values("token")[:1]), Value("")),
        department_token=Subquery(rows.filter(scope=DEPARTMENT).values("token")[:1]),
        people_token=Coalesce(Subquery(rows.filter(scope=PEOPLE).values("token")[:1]), Value("")),
    )


def bump(using: str = DEFAULT_DB_ALIAS, teams: Iterable[int] | None = None, people: bool = False) -> None:
    """Write new tokens now: the page token, the teams' (or, without teams, the department's), the people's.

    Outside a transaction this is what `changed()` does after the commit.
    """
    token = uuid.uuid4().hex
    if not DataVersion.objects.using(using).filter(pk=ROW_ID).update(token=token):
        DataVersion.objects.using(using).update_or_create(pk=ROW_ID, defaults={"token": token})
    scopes = sorted({*teams, *([PEOPLE] if people else [])}) if teams is not None else [DEPARTMENT]
    if not scopes:
        return
    rows = ScopedDataVersion.objects.using(using)
    if rows.filter(scope__in=scopes).update(token=token) < len(scopes):
        known = set(rows.filter(scope__in=scopes).values_list("scope", flat=True))
        fresh = [ScopedDataVersion(scope=scope, token=token) for scope in scopes if scope not in known]
        # Two commits may add a team's first row at once; either token is newer than every reading.
        rows.bulk_create(fresh, ignore_conflicts=True)


@dataclass
class _Pending:
    """What a connection wrote since its last bump: teams known, rows whose team is read at the commit."""

    teams: set[int] = field(default_factory=set)
    lookups: dict[type[Model], set[int]] = field(default_factory=lambda: defaultdict(set))
    department: bool = False
    people: bool = False

    def resolve(self, using: str) -> set[int] | None:
        """The teams written to; None when a team cannot be told (a row already deleted, say)."""
        if self.department:
            return None
        teams = set(self.teams)
        for model, ids in self.lookups.items():
            found = dict(
                model._default_manager.using(using).filter(pk__in=ids).values_list("pk", _team_lookup(model))
            )
            if len(found) < len(ids):
                return None
            teams.update(found.values())
        return teams


def changed(using: str = DEFAULT_DB_ALIAS, teams: Iterable[int] | None = None, people: bool = False) -> None:
    """Report data was written on `using`: write new tokens once the transaction commits.

    `teams` names the teams whose rows were written; without it the write is the department's and
    every team's part of the overview is rebuilt. `people` says a person was written. Called for every
    row a form saves, so it only marks the connection and queues a callback; the first callback to run
    after the commit writes the tokens and the others find nothing pending. Every call queues its own
    callback because a savepoint rolled back drops the callbacks queued inside it, and the writes after
    it still need one.
    """
    pending = _pending(using)
    pending.people |= people
    if teams is None:
        pending.department = True
    else:
        pending.teams.update(teams)
    transaction.on_commit(partial(_bump_if_pending, using), using=using)


def _pending(using: str) -> _Pending:
    connection = connections[using]
    pending = getattr(connection, _PENDING, None)
    if pending is None:
        pending = _Pending()
        setattr(connection, _PENDING, pending)
    return pending


def _bump_if_pending(using: str) -> None:
    connection = connections[using]
    pending = getattr(connection, _PENDING, None)
    if pending is not None:
        setattr(connection, _PENDING, None)
        bump(using, pending.resolve(using), people=pending.people)


# ---------------------------------------------------------------- which team a row belongs to


@cache
def _path_field(model: type[Model]):
    model = getattr(model, "instance_type", model)  # a history record follows its model
    name = TEAM_PATHS.get(model._meta.label_lower)
    return model._meta.get_field(name) if name else None


def _team_lookup(model: type[Model]) -> str:
    """The ORM path from a row of `model` to its team's id: "objective__team" for a key result."""
    path = _path_field(model)
    if not path.is_relation:
        return "pk"
    if path.related_model._meta.label_lower == "reports.team":
        return path.name
    return f"{path.name}__{_team_lookup(path.related_model)}"


def _note_row(pending: _Pending, model: type[Model], instance: Model | None, pk) -> None:
    """Put one row on its team: through loaded objects while they reach, by a lookup at the commit after."""
    while True:
        path = _path_field(model)
        if path is None or pk is None:
            pending.department = True
            return
        if instance is None:
            # Only the row's id is known: a team's own, or a row whose team the commit reads.
            if path.is_relation:
                pending.lookups[model].add(pk)
            else:
                pending.teams.add(pk)
            return
        value = instance.__dict__.get(path.attname)
        if not path.is_relation:
            # A team's own row: its id (a history record's pk is the record's, its "id" the team's).
            pending.teams.add(value)
            return
        if value is None:
            pending.department = True
            return
        target = path.related_model
        if target._meta.label_lower == "reports.team":
            pending.teams.add(value)
            return
        loaded = path.get_cached_value(instance, default=None)
        if loaded is None:
            pending.lookups[target].add(value)
            return
        model, instance, pk = type(loaded), loaded, loaded.pk


def _note(using: str, instance: Model, moved_from=None) -> None:
    pending = _pending(using)
    _note_row(pending, type(instance), instance, instance.pk)
    if moved_from is not None:
        path = _path_field(type(instance))
        _note_row(pending, path.related_model, None, moved_from)
    transaction.on_commit(partial(_bump_if_pending, using), using=using)


class RemembersTeamPath:
    """For models whose rows reach their team through a field an admin may change (TEAM_PATHS): each
    row read from the database remembers that field's value, so a save that moves the row to another
    team renews the old team's token as well.

    A classmethod on the load, not a post_init receiver: a receiver made every instance of these
    models, read by every page, go through the signal machinery (~10 µs each, 6 ms of the overview).
    """

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        attname = _loaded_attname(cls)
        instance.__dict__[_LOADED] = instance.__dict__.get(attname)
        return instance


@cache
def _loaded_attname(model: type[Model]) -> str:
    return _path_field(model).attname


def _moved_from(instance, created: bool, update_fields):
    """The team path's value before this save, when the save changed it; `...` when it cannot be told."""
    if created:
        return None
    path = _path_field(type(instance))
    if path is None or not path.is_relation or (update_fields and path.attname not in update_fields):
        return None
    before = instance.__dict__.get(_LOADED)
    now = instance.__dict__.get(path.attname)
    if before is None:
        return ...
    return before if before != now else None


def _on_save(sender, instance, using, created=False, update_fields=None, raw=False, **kwargs):
    if sender is get_user_model() and update_fields and USER_FIELDS_NOT_SHOWN.issuperset(update_fields):
        return
    if created and sender._meta.label_lower == "reports.week":
        # A new week's row alone changes nothing any team's part shows; its rows carry their teams.
        changed(using, teams=())
        return
    if sender is get_user_model() and not raw:
        changed(using, teams=(), people=True)
        return
    if raw or _path_field(sender) is None:
        changed(using)
        return
    moved_from = _moved_from(instance, created, update_fields)
    if moved_from is ...:
        changed(using)
        return
    _note(using, instance, moved_from)
    instance.__dict__[_LOADED] = instance.__dict__.get(_path_field(sender).attname)


def _on_delete(sender, instance, using, **kwargs):
    if sender is get_user_model():
        # The rows that named the person are set to nobody without a signal; they only print the name.
        changed(using, teams=(), people=True)
    elif _path_field(sender) is None:
        changed(using)
    else:
        _note(using, instance)


def _on_m2m(sender, instance, using, action, **kwargs):
    if not action.startswith("post_"):
        return
    if _path_field(type(instance)) is None:
        changed(using)
    else:
        _note(using, instance)


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
        for many in model._meta.local_many_to_many:
            through = many.remote_field.through
            m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"{uid}:{many.name}")
