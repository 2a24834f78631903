"""A week's OKR rows from the figures each update keeps, instead of every item's recent updates.

`okr_rows` (okrs/rules.py) works out an item's week from its updates of the look-back window: the
previous update, both percents and whether it stalled. The overview asks that of a department's 600
items to print fifteen, and read 1,800 updates to answer it (bench/FINDINGS.md §26). Each update of the
week now keeps its row's figures in okrs.KeyResultUpdateFigures, worked out here by `okr_rows` the first
time a page needs them and kept until a write renews the update's stamp (the triggers of migration
0003). A stale or missing figure is worked out again, never read, so the rows are the ones `okr_rows`
gives; tests/okrs/test_kept_look_back.py checks both agree after every way of writing.

An item without an update in the week keeps nothing (its row is its latest earlier update's): `okr_rows`
works its row out on every view, reading the recent weeks first.
"""

from __future__ import annotations

import datetime as dt

from django.db import router

from common.precompiled import STAND_IN_MONDAYS, Precompiled, id_list_stand_ins
from common.weeks import IsoWeek
from okrs.models import KeyResultUpdate, KeyResultUpdateFigures
from okrs.ranked_items import ranked_items
from okrs.rules import ItemsOfTeams, OkrRow, is_overdue, okr_rows
from reports.models import Team, Week

_FIELDS = (
    "id",
    "key_result_id",
    "status",
    "figures__stamp",
    "figures__worked_out_at",
    "figures__previous_id",
    "figures__percent",
    "figures__previous_percent",
    "figures__is_stalled",
)


def _week_updates(team_ids: list[int], monday: dt.date):
    items = ItemsOfTeams(team_ids).queryset().order_by().values("pk")
    week = Week.objects.filter(starts_on=monday).values("pk")
    return (
        KeyResultUpdate.objects.filter(key_result_id__in=items, week_id__in=week)
        .order_by()
        .values_list(*_FIELDS)
    )


# Compiled once per connection and number of teams (common/precompiled.py).
_WEEK_UPDATES = Precompiled(
    _week_updates,
    (id_list_stand_ins()[0], STAND_IN_MONDAYS[0]),
    (id_list_stand_ins()[1], STAND_IN_MONDAYS[1]),
)


def _is_current(row: tuple) -> bool:
    stamp, worked_out_at = row[3], row[4]
    return stamp is not None and worked_out_at == stamp


def okr_rows_of_teams(items: ItemsOfTeams, teams: dict[int, Team], week: IsoWeek) -> list[OkrRow]:
    """`okr_rows(ranked_items(items, teams), week, read=False, among=items)`, from kept figures where they
    are current: the rows of these teams' active items, ranked from plain rows (okrs/ranked_items.py).

    The stamps are read before the items and their updates: figures worked out from an item or updates
    newer than their stamp are only ever judged stale, never the reverse.
    """
    using = router.db_for_read(KeyResultUpdate)
    this_week = {row[1]: row for row in _WEEK_UPDATES(items.team_ids, week.monday)}
    key_results = ranked_items(items, teams)
    rows: dict[int, OkrRow] = {}
    to_work_out = []
    for kr in key_results:
        row = this_week.get(kr.pk)
        if row is None or not _is_current(row):
            to_work_out.append(kr)
            continue
        update_id, _kr, status, _stamp, _at, previous_id, percent, previous_percent, is_stalled = row
        rows[kr.pk] = OkrRow(
            key_result=kr,
            update_id=update_id,
            previous_id=previous_id,
            status=status,
            using=using,
            percent=percent,
            previous_percent=previous_percent,
            is_stalled=is_stalled,
            is_overdue=is_overdue(kr.eta, status, week),
        )
    if to_work_out:
        # Every item at once (a department's first view) reads the teams' updates as one subquery.
        among = items if len(to_work_out) == len(key_results) else None
        worked_out = okr_rows(to_work_out, week, read=False, among=among)
        rows.update((row.key_result.pk, row) for row in worked_out)
        _keep(worked_out, this_week)
    return [rows[kr.pk] for kr in key_results]


def _keep(worked_out: list[OkrRow], this_week: dict[int, tuple]) -> None:
    """Keep the figures of the rows worked out from an update of the week, against the stamp read before
    the updates: if a write renewed it since, the figures kept are already stale, and the next reader
    works them out again."""
    kept = []
    for row in worked_out:
        read = this_week.get(row.key_result.pk)
        # An update written or deleted between the two reads is not the one the stamp was read with.
        if read is None or row.update_id != read[0]:
            continue
        stamp = read[3] or 0
        kept.append(
            KeyResultUpdateFigures(
                update_id=row.update_id,
                stamp=stamp,
                worked_out_at=stamp,
                previous_id=row.previous_id,
                percent=row.percent,
                previous_percent=row.previous_percent,
                is_stalled=row.is_stalled,
            )
        )
    if kept:
        # An upsert that leaves the stamp alone: a trigger may have renewed it since it was read.
        KeyResultUpdateFigures.objects.bulk_create(
            kept,
            update_conflicts=True,
            unique_fields=["update"],
            update_fields=["worked_out_at", "previous_id", "percent", "previous_percent", "is_stalled"],
        )
