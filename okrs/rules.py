"""What a key result's week says: advanced, went back, started, stalled, overdue. The one home of these rules.

The overview, the team week and the OKR list all ask here, so an item cannot be overdue on one page
and on time on another. "As of the week" means the item's latest update at or before that week: a
key result marked done in 2024-W32 is still done in 2024-W33 when W33 has no update of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from common.weeks import IsoWeek
from okrs.models import KeyResult, KeyResultUpdate
from okrs.progress import change_between, progress_percent, recent_updates


def active_key_results(**filters):
    """Open items of open objectives, with what a row shows, in board order."""
    return (
        KeyResult.objects.active()
        .filter(**filters)
        .select_related("objective__team", "owner")
        .in_board_order()
    )


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


@dataclass
class OkrRow:
    key_result: KeyResult
    update: KeyResultUpdate | None
    previous: KeyResultUpdate | None
    percent: Decimal | None
    previous_percent: Decimal | None
    is_stalled: bool
    is_overdue: bool

    @property
    def delta(self) -> Decimal | None:
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
    def status(self) -> str:
        return self.update.status if self.update else ""

    def get_status_display(self) -> str:
        return self.update.get_status_display() if self.update else ""


def _is_flat_since(key_result: KeyResult, updates: list[KeyResultUpdate], since: IsoWeek) -> bool:
    """The item had a progress figure at or before `since` and every figure reported after it is the same.

    `updates` are oldest first. Updates without a figure (a note only) neither count as progress nor
    break the run.
    """
    figures = [
        (update.week.starts_on, percent)
        for update in updates
        if (percent := progress_percent(key_result, update)) is not None
    ]
    anchor = None
    for index, (monday, _percent) in enumerate(figures):
        if monday <= since.monday:
            anchor = index
    if anchor is None:
        return False
    return all(percent == figures[anchor][1] for _monday, percent in figures[anchor:])


def okr_rows(key_results: Iterable[KeyResult], week: IsoWeek) -> list[OkrRow]:
    """Each item's progress this week against its previous update, with stalled and overdue flags.

    Stalled: not done, reported this week, and progress unchanged for two weeks or more, i.e. the
    figure as of two weeks ago is still the figure now.

    Percent and previous update follow okrs/progress.py; one query for the look-back window.
    """
    key_results = list(key_results)
    history = recent_updates([kr.pk for kr in key_results], week)
    rows = []
    for kr in key_results:
        past = history[kr.pk]
        update = past[-1] if past and past[-1].week.starts_on == week.monday else None
        earlier = past[:-1] if update else past
        previous = earlier[-1] if earlier else None
        percent = progress_percent(kr, update)
        latest = update or previous
        status = latest.status if latest else None
        stalled = percent is not None and not is_done(status) and _is_flat_since(kr, past, week.shifted(-2))
        rows.append(
            OkrRow(
                key_result=kr,
                update=update,
                previous=previous,
                percent=percent,
                previous_percent=progress_percent(kr, previous),
                is_stalled=stalled,
                is_overdue=is_overdue(kr.eta, status, week),
            )
        )
    return rows


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
