"""What a key result's week says: advanced, went back, started, stalled, overdue. The one home of these rules.

The overview, the team week and the OKR list all ask here, so an item cannot be overdue on one page
and on time on another. "As of the week" means the item's latest update at or before that week: a
key result marked done in 2024-W32 is still done in 2024-W33 when W33 has no update of it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import router
from django.db.models import QuerySet
from django.utils.encoding import force_str
from django.utils.functional import cached_property

from common.precompiled import STAND_IN_LATER_MONDAYS, STAND_IN_MONDAYS, Precompiled, id_list_stand_ins
from common.weeks import IsoWeek
from okrs.models import KeyResult, KeyResultUpdate
from okrs.progress import LOOKBACK_WEEKS, change_between, percent_of, window, window_between, window_start
from reports.models import Week


def active_key_results(**filters):
    """Open items of open objectives, with what a row shows, in board order."""
    return (
        KeyResult.objects.active()
        .filter(**filters)
        .select_related("objective__team", "owner")
        .in_board_order()
    )


class ItemsOfTeams(NamedTuple):
    """The open items of open objectives of these teams (`active_key_results`), for `okr_rows(among=…)`:
    the look-back then runs a statement compiled once per connection (common/precompiled.py)."""

    team_ids: list[int]

    def queryset(self) -> QuerySet:
        return active_key_results(objective__team__in=self.team_ids)


def is_done(status: str | None) -> bool:
    return status == KeyResultUpdate.Status.DONE


def is_overdue(eta: dt.date | None, status_as_of_week: str | None, week: IsoWeek | None) -> bool:
    """The ETA fell on or before the end of the week and the item was not done as of that week."""
    if week is None or eta is None:
        return False
    return eta <= week.sunday and not is_done(status_as_of_week)


def has_moved(delta: Decimal | None) -> bool:
    """Progress changed since the item's previous update (either way)."""
    return bool(delta)


_STATUS_LABELS = dict(KeyResultUpdate.Status.choices)


@dataclass
class OkrRow:
    """One item's week. The look-back reads only its updates' figures; their whole rows (the note) are read
    for the rows a page prints (`read_updates`), and become model instances when a page asks for them."""

    key_result: KeyResult
    update_id: int | None
    previous_id: int | None
    # This week's update's status; "" without one.
    status: str
    using: str
    percent: Decimal | None
    previous_percent: Decimal | None
    is_stalled: bool
    is_overdue: bool
    update_values: tuple | None = field(default=None, repr=False)
    previous_values: tuple | None = field(default=None, repr=False)

    @property
    def has_update(self) -> bool:
        return self.update_id is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_id is not None

    @cached_property
    def update(self) -> KeyResultUpdate | None:
        self._read()
        return _update(self.using, self.update_values) if self.update_values else None

    @cached_property
    def previous(self) -> KeyResultUpdate | None:
        self._read()
        return _update(self.using, self.previous_values) if self.previous_values else None

    def _read(self) -> None:
        # A row nobody read the updates of (a caller that asked okr_rows for figures only) reads its own.
        if not _is_read(self):
            read_updates([self])

    @cached_property
    def delta(self) -> Decimal | None:
        # Worked out once: the groups filter and sort on it, ~2,900 reads for a department's 600 items.
        return change_between(self.percent, self.previous_percent)

    @property
    def has_moved(self) -> bool:
        return has_moved(self.delta)

    @property
    def has_started(self) -> bool:
        """First progress: a figure above 0 this week, and none (or 0) at the previous update."""
        return bool(self.percent) and not self.previous_percent

    @property
    def has_advanced(self) -> bool:
        """Progress grew from a figure that was already above 0 (a first step counts as started)."""
        return bool(self.delta and self.delta > 0) and not self.has_started

    @property
    def went_back(self) -> bool:
        """Progress fell since the previous update: a regression, never "progress"."""
        return bool(self.delta and self.delta < 0)

    @property
    def note(self) -> str:
        """This week's note, read from the plain row: the OKR table shows it without building the update."""
        self._read()
        return self.update_values[_NOTE_AT] if self.update_values else ""

    def get_status_display(self) -> str:
        # Model.get_status_display rebuilds the field's choices on every call (~0.15 ms): the same
        # label from a table built once.
        if not self.status:
            return ""
        return force_str(_STATUS_LABELS.get(self.status, self.status), strings_only=True)


_NO_ANCHOR = object()


def _is_flat_since(updates: list[tuple], percents: list[Decimal | None], since: IsoWeek) -> bool:
    """The item had a progress figure at or before `since` and every figure reported after it is the same.

    `updates` are the item's (`_FIGURES`), oldest first, and `percents` their figures. Updates without a
    figure (a note only) neither count as progress nor break the run. One pass, in order: the anchor is
    the last figure at or before `since`, and every later figure must equal it.
    """
    since_monday, anchor = since.monday, _NO_ANCHOR
    for row, percent in zip(updates, percents, strict=True):
        if percent is None:
            continue
        if row[_MONDAY_AT] <= since_monday:
            anchor = percent
        elif anchor is _NO_ANCHOR or percent != anchor:
            return False
    return anchor is not _NO_ANCHOR


# What the rules read of an update, all of it in the figures index (okrs/models.py): reading the rows
# beside it, for notes only the printed rows show, was most of the look-back's time.
_FIGURES = ("id", "key_result_id", "week__starts_on", "status", "progress", "current_value")
_ID_AT, _KEY_RESULT_AT, _MONDAY_AT, _STATUS_AT, _PROGRESS_AT, _VALUE_AT = range(len(_FIGURES))

# An update as `recent_updates` loads it (select_related week, without its save time and author),
# built from a values_list row when a page asks for it: at most two per item (this week's and the
# previous), for the rows printed. Building every update of the look-back was ~20,000 instances and
# three fifths of the department overview's first render at scale 100.
_UPDATE_FIELDS = [
    field.attname
    for field in KeyResultUpdate._meta.concrete_fields
    if field.attname not in ("updated_at", "updated_by_id")
]
_WEEK_FIELDS = [field.attname for field in Week._meta.concrete_fields]
_WEEK = KeyResultUpdate._meta.get_field("week")
_WHOLE = (*_UPDATE_FIELDS, *(f"week__{name}" for name in _WEEK_FIELDS))
_UPDATE_ID_AT = _UPDATE_FIELDS.index("id")
_NOTE_AT = _UPDATE_FIELDS.index("note")


def _update(alias: str, values: tuple) -> KeyResultUpdate:
    update = KeyResultUpdate.from_db(alias, _UPDATE_FIELDS, values[: len(_UPDATE_FIELDS)])
    _WEEK.set_cached_value(update, Week.from_db(alias, _WEEK_FIELDS, values[len(_UPDATE_FIELDS) :]))
    return update


def _is_read(row: OkrRow) -> bool:
    return (row.update_id is None or row.update_values is not None) and (
        row.previous_id is None or row.previous_values is not None
    )


def read_updates(rows: Iterable[OkrRow]) -> None:
    """Read the whole updates (this week's and the previous) of the rows not read yet, in one query."""
    unread = [row for row in rows if not _is_read(row)]
    ids = {pk for row in unread for pk in (row.update_id, row.previous_id) if pk is not None}
    if not ids:
        return
    using = unread[0].using
    if using == router.db_for_read(KeyResultUpdate):
        rows = _WHOLE_UPDATES(ids)
    else:
        rows = KeyResultUpdate.objects.using(using).filter(pk__in=ids).order_by().values_list(*_WHOLE)
    found = {values[_UPDATE_ID_AT]: values for values in rows}
    for row in unread:
        # An update deleted since the figures were read is read as none.
        row.update_values = found.get(row.update_id, ()) if row.update_id is not None else None
        row.previous_values = found.get(row.previous_id, ()) if row.previous_id is not None else None


def _teams_figures(team_ids: list[int], first: dt.date, last: dt.date):
    items = ItemsOfTeams(team_ids).queryset().order_by().values("pk")
    return window_between(items, first, last).order_by().values_list(*_FIGURES)


# Compiled once per connection and number of items or teams (common/precompiled.py): the overview
# built from nothing runs both, and compiling each cost more than the database took to answer it
# (bench/FINDINGS.md §24).
_IDS = id_list_stand_ins()
_WHOLE_UPDATES = Precompiled(
    lambda pks: KeyResultUpdate.objects.filter(pk__in=pks).order_by().values_list(*_WHOLE), _IDS[:1], _IDS[1:]
)
_TEAMS_FIGURES = Precompiled(
    _teams_figures,
    (_IDS[0], STAND_IN_MONDAYS[0], STAND_IN_LATER_MONDAYS[0]),
    (_IDS[1], STAND_IN_MONDAYS[1], STAND_IN_LATER_MONDAYS[1]),
)


# The weeks read first: this week, the previous and the one before, where the stalled check anchors.
# An item reported in them is settled without the rest of the look-back window (_is_settled).
RECENT_WEEKS = 2


def _history(
    key_result_ids: list[int] | QuerySet | ItemsOfTeams, week: IsoWeek, lookback: int, whole: bool = False
):
    """Each item's updates' figures (`_FIGURES`) of the last `lookback` weeks up to `week`, oldest first.

    `whole` reads each update's whole row after its figures, in the same query, for callers that print
    every row: the table's rows are then read as well as the index, which only a department's worth of
    them made slow.
    """
    if isinstance(key_result_ids, ItemsOfTeams) and not whole:
        first = window_start(week, lookback).monday
        rows, using = (
            _TEAMS_FIGURES(key_result_ids.team_ids, first, week.monday),
            router.db_for_read(KeyResultUpdate),
        )
    else:
        if isinstance(key_result_ids, ItemsOfTeams):
            key_result_ids = key_result_ids.queryset().values("pk")
        updates = window(key_result_ids, week, lookback).order_by()
        rows, using = updates.values_list(*_FIGURES, *(_WHOLE if whole else ())), updates.db
    history: dict[int, list[tuple]] = defaultdict(list)
    for values in rows:
        history[values[_KEY_RESULT_AT]].append(values)
    # Put in order here: ordered in SQL, a department's 1,800 recent updates were sorted through the
    # weeks' join, 12 ms on SQLite against 7 unordered (bench/FINDINGS.md §22).
    for updates_of_item in history.values():
        updates_of_item.sort(key=_monday_of)
    return history, using


def _monday_of(values: tuple) -> dt.date:
    return values[_MONDAY_AT]


def _is_settled(recent: list[tuple], percents: list[Decimal | None], week: IsoWeek, anchor: dt.date) -> bool:
    """Whether the item's updates of the recent weeks decide its row alone, whatever came before them.

    The earlier weeks of the look-back only add older updates: the latest update before this week, and
    the status, are the same when one is recent. The stalled check anchors on the latest figure at or
    before two weeks ago: a figure in that very week is that anchor, and two different recent figures
    mean not stalled, wherever the anchor is: the Monday of RECENT_WEEKS before `week`. `percents` are
    the updates' own (`_percents`).
    """
    this = recent[-1] if recent and recent[-1][_MONDAY_AT] == week.monday else None
    if not recent or (this and len(recent) == 1):
        return False
    if this is None or is_done(this[_STATUS_AT]):
        return True
    if percents[-1] is None:
        return True
    if any(row[_MONDAY_AT] == anchor and pct is not None for row, pct in zip(recent, percents, strict=True)):
        return True
    return len({percent for percent in percents if percent is not None}) > 1


def _percents(kr: KeyResult, updates: list[tuple]) -> list[Decimal | None]:
    """Each update's percent, worked out once per item: the settling and the row both read them, and a
    value item's percent is a division and a rounding (bench/FINDINGS.md §23)."""
    if kr.measure != KeyResult.Measure.VALUE:
        # percent_of's first rule, without a call per update: a percent item's progress is its percent.
        return [row[_PROGRESS_AT] for row in updates]
    return [percent_of(kr, row[_PROGRESS_AT], row[_VALUE_AT]) for row in updates]


def okr_rows(
    key_results: Iterable[KeyResult],
    week: IsoWeek,
    *,
    read: bool = True,
    among: QuerySet | ItemsOfTeams | None = None,
) -> list[OkrRow]:
    """Each item's progress this week against its previous update, with stalled and overdue flags.

    Stalled: not done, reported this week, and progress unchanged for two weeks or more, i.e. the
    figure as of two weeks ago is still the figure now.

    Percent and previous update follow okrs/progress.py. The recent weeks are read first, and the rest
    of the look-back window only for the items they leave open: a department's items are mostly
    reported every week, and the whole window was 7,800 rows for 600 items (bench/FINDINGS.md §20).
    Given a queryset (or, beside items read as plain rows, the queryset they were read with or the
    `ItemsOfTeams` they are: `among`), the updates are found with it as a subquery rather than a list
    of its ids. `read=False` leaves the
    updates' whole rows unread, for a caller that prints only some of the rows and reads theirs
    (`read_updates`): the overview ranks 600 items to print fifteen.
    """
    if among is None and isinstance(key_results, QuerySet) and not key_results.query.is_sliced:
        among = key_results
    if isinstance(among, QuerySet):
        among = among.order_by().values("pk")
    key_results = list(key_results)
    items = [kr.pk for kr in key_results] if among is None else among
    history, using = _history(items, week, RECENT_WEEKS, whole=read)
    anchor = week.shifted(-RECENT_WEEKS)
    percents = {kr.pk: _percents(kr, history[kr.pk]) for kr in key_results}
    unsettled = [
        kr for kr in key_results if not _is_settled(history[kr.pk], percents[kr.pk], week, anchor.monday)
    ]
    if unsettled:
        history.update(_history([kr.pk for kr in unsettled], week, LOOKBACK_WEEKS, whole=read)[0])
        percents.update({kr.pk: _percents(kr, history[kr.pk]) for kr in unsettled})
    return [_okr_row(kr, history[kr.pk], week, anchor, using, percents[kr.pk]) for kr in key_results]


def _whole(row: tuple | None) -> tuple | None:
    """The update's whole row when `_history` read it after the figures; `read_updates` reads it otherwise."""
    return row[len(_FIGURES) :] or None if row else None


def _okr_row(
    kr: KeyResult,
    past: list[tuple],
    week: IsoWeek,
    anchor: IsoWeek,
    using: str,
    percents: list[Decimal | None],
) -> OkrRow:
    """The item's row from its updates (`_history`) and their percents (`_percents`); `anchor` is where a
    stalled run must start."""
    this = past[-1] if past and past[-1][_MONDAY_AT] == week.monday else None
    # The latest update before this week's: the last but one when this week has one, else the last.
    before_at = len(past) - (2 if this else 1)
    before = past[before_at] if before_at >= 0 else None
    latest = this or before
    status = latest[_STATUS_AT] if latest else None
    percent = percents[-1] if this else None
    stalled = False
    if percent is not None and not is_done(status):
        stalled = _is_flat_since(past, percents, anchor)
    return OkrRow(
        key_result=kr,
        update_id=this[_ID_AT] if this else None,
        previous_id=before[_ID_AT] if before else None,
        update_values=_whole(this),
        previous_values=_whole(before),
        status=this[_STATUS_AT] if this else "",
        using=using,
        percent=percent,
        previous_percent=percents[before_at] if before else None,
        is_stalled=stalled,
        is_overdue=is_overdue(kr.eta, status, week),
    )


@dataclass
class OkrGroup:
    """One group of a week's key results, capped for the page, with the full count."""

    key: str
    rows: list[OkrRow]
    total: int


@dataclass
class OkrGroups:
    """A week's key results in four honest groups, plus the overdue ones (which may also be in a group).

    advanced: progress grew; went back: progress fell; started: first progress this week; stalled: no
    move for two weeks or more. An item in none of them had no figure this week or moved within the
    last two weeks without moving this week.
    """

    advanced: OkrGroup
    went_back: OkrGroup
    started: OkrGroup
    stalled: OkrGroup
    overdue: OkrGroup

    def __iter__(self):
        return iter((self.advanced, self.went_back, self.started, self.stalled, self.overdue))

    @property
    def is_empty(self) -> bool:
        return not any(group.total for group in self)


def okr_groups(rows: Iterable[OkrRow], limit: int | None = None) -> OkrGroups:
    """Sort `okr_rows` into the groups: biggest moves first, overdue by ETA, stalled in board order."""
    rows = list(rows)

    def group(key: str, members: list[OkrRow]) -> OkrGroup:
        return OkrGroup(key, members[:limit] if limit is not None else members, len(members))

    advanced = sorted((row for row in rows if row.has_advanced), key=lambda row: -row.delta)
    went_back = sorted((row for row in rows if row.went_back), key=lambda row: row.delta)
    started = sorted((row for row in rows if row.has_started), key=lambda row: -row.percent)
    stalled = [row for row in rows if row.is_stalled]
    overdue = sorted((row for row in rows if row.is_overdue), key=lambda row: row.key_result.eta)
    return OkrGroups(
        group("advanced", advanced),
        group("went_back", went_back),
        group("started", started),
        group("stalled", stalled),
        group("overdue", overdue),
    )
