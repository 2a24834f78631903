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
from django.db.models import FilteredRelation, Q

from common.precompiled import STAND_IN_MONDAYS, Precompiled, id_list_stand_ins
from common.weeks import IsoWeek
from okrs import ranked_items
from okrs.models import KeyResultUpdate, KeyResultUpdateFigures
from okrs.rules import ItemsOfTeams, OkrRow, is_overdue, okr_rows
from reports.models import Team, Week

# This week's update of each item, with its kept figures, beside the item's own columns.
_WEEK_COLUMNS = (
    "this_week__id",
    "this_week__status",
    "this_week__figures__stamp",
    "this_week__figures__worked_out_at",
    "this_week__figures__previous_id",
    "this_week__figures__percent",
    "this_week__figures__previous_percent",
    "this_week__figures__is_stalled",
)


def _items_and_their_week(team_ids: list[int], monday: dt.date):
    """The teams' active items in board order, each with its update of the week joined (if any)."""
    week = Week.objects.id_starting(monday)
    return (
        ItemsOfTeams(team_ids)
        .queryset()
        .select_related(None)
        .annotate(this_week=FilteredRelation("updates", condition=Q(updates__week=week)))
        .values_list(*ranked_items.COLUMNS, *_WEEK_COLUMNS)
    )


# Compiled once per connection and number of teams (common/precompiled.py).
_ITEMS_AND_THEIR_WEEK = Precompiled(
    _items_and_their_week,
    (id_list_stand_ins()[0], STAND_IN_MONDAYS[0]),
    (id_list_stand_ins()[1], STAND_IN_MONDAYS[1]),
)


def okr_rows_of_teams(items: ItemsOfTeams, teams: dict[int, Team], week: IsoWeek) -> list[OkrRow]:
    """`okr_rows(key_results, week, read=False, among=items)` of the teams' active items, read as plain rows
    (okrs/ranked_items.py) in one statement with their updates of the week and these updates' figures;
    from the figures where they are current.

    The stamps are read with the items, before any update of the window: figures worked out from an item
    or updates newer than their stamp are only ever judged stale, never the reverse.
    """
    using = router.db_for_read(KeyResultUpdate)
    item_rows = _ITEMS_AND_THEIR_WEEK(items.team_ids, week.monday)
    key_results = ranked_items.items_of_rows(item_rows, teams)
    split = len(ranked_items.COLUMNS)
    this_week = {
        kr.pk: row[split:] for kr, row in zip(key_results, item_rows, strict=True) if row[split] is not None
    }
    rows: dict[int, OkrRow] = {}
    to_work_out = []
    for kr in key_results:
        update = this_week.get(kr.pk)
        if update is None or not _is_current(update):
            to_work_out.append(kr)
            continue
        update_id, status, _stamp, _at, previous_id, percent, previous_percent, is_stalled = update
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


def _is_current(update: tuple) -> bool:
    stamp, worked_out_at = update[2], update[3]
    return stamp is not None and worked_out_at == stamp


def _keep(worked_out: list[OkrRow], this_week: dict[int, tuple]) -> None:
    """Keep the figures of the rows worked out from an update of the week, against the stamp read before
    the updates: if a write renewed it since, the figures kept are already stale, and the next reader
    works them out again."""
    kept = []
    for row in worked_out:
        update = this_week.get(row.key_result.pk)
        # An update written or deleted between the two reads is not the one the stamp was read with.
        if update is None or row.update_id != update[0]:
            continue
        stamp = update[2] or 0
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
