"""A week's moves for the ranking, from the figures each value keeps instead of every KPI's history.

Ranking a department's week (reports/ranking.py) needs, for every KPI, this week's value, last week's,
and its usual move with the number of changes behind it, both read from the thirteen weeks before.
Worked out from the history on every view that builds the overview's parts, that was 16,800 values
read for thirty teams. Each value now keeps them: last week's value as a column the database keeps
(reports/migrations/0006), the usual move and its count in reports.KpiValueFigures, worked out here the
first time a page needs them and kept until a write to one of those thirteen weeks renews the value's
stamp (the triggers of the same migration). A stale or missing figure is worked out from the history
again, never read, so the ranking is the one `ranking.moves` gives from the history itself;
tests/reports/test_week_figures.py checks both agree after every way of writing.

The moves returned are for ranking: a KPI without a value this week gets no last week, which nothing
in the ranking reads. Rows that print a move (its reasons, last week, a running total's increment) are
built from the history of the few KPIs shown (`ranking.moves`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.db.models import DecimalField, ExpressionWrapper, F, FilteredRelation, Q

from common.precompiled import STAND_IN_MONDAYS, Precompiled, id_list_stand_ins
from common.weeks import IsoWeek
from reports import ranking
from reports.comparison import Change
from reports.models import KPI, KpiValueFigures, Week
from reports.ranking import Move

_FIELDS = (
    "id",
    "kpi_id",
    "value",
    "previous_value",
    "figures__stamp",
    "figures__worked_out_at",
    "figures__usual_move",
    "figures__changes_before",
)


class RankedKpi(NamedTuple):
    """A KPI as the ranking reads it, from a plain row: its rules are the model's own methods.

    A department's week ranks 1,200 KPIs to print ~140 of them: building each as a model instance
    took three times as long as reading its row (10.3 against 2.9 ms on SQLite, bench/FINDINGS.md
    §22). The rows printed load their KPIs whole (pages/overview.py).
    """

    pk: int
    team_id: int
    position: int
    decimals: int
    direction: str
    kind: str
    target: Decimal | None

    Direction = KPI.Direction
    Kind = KPI.Kind
    is_running_total = KPI.is_running_total
    target_met = KPI.target_met


def moves_of_teams(team_ids: list[int], week: IsoWeek) -> tuple[list[RankedKpi], dict[int, Move]]:
    """The KPIs the teams' week shows (active, or with a value in it: pages/dashboards.py), in their order,
    and their moves of the week as `ranking.moves` ranks them, read in one statement: each KPI with its
    value of the week and the value's kept figures beside it; two more when figures are stale.

    The values are found by their KPIs' teams, not a list of the KPIs' ids: a department's 1,200 ids took
    longer to bind and plan than the rows took to read (bench/FINDINGS.md §21).
    """
    read = _KPIS_AND_THEIR_WEEK(team_ids, week.monday)
    split = len(RankedKpi._fields)
    kpis = [RankedKpi._make(row[:split]) for row in read]
    rows = {kpi.pk: row[split:] for kpi, row in zip(kpis, read, strict=True) if row[split] is not None}
    return kpis, _moves(kpis, rows, week)


def _moves(kpis: list[RankedKpi], rows: dict[int, tuple], week: IsoWeek) -> dict[int, Move]:
    """The KPIs' moves from their values of the week (`_FIELDS`, by KPI), figures worked out where stale."""
    stale = [kpi for kpi in kpis if kpi.pk in rows and not _is_current(rows[kpi.pk])]
    worked_out = _work_out(stale, rows, week) if stale else {}
    moves = {}
    for kpi in kpis:
        row = rows.get(kpi.pk)
        if row is None:
            moves[kpi.pk] = Move(Change(kpi, None, None), 0, None)
            continue
        _pk, _kpi, value, previous, _stamp, _at, usual, changes_before = row
        if kpi.pk in worked_out:
            usual, changes_before = worked_out[kpi.pk]
        moves[kpi.pk] = Move(Change(kpi, value, previous), changes_before, usual)
    return moves


# The decimals the ranking only compares and works with, never prints, read as the database holds them.
# On SQLite the ORM's converter for a column also rounds a stored figure to its field's places, which
# changes how it is written, never what it is worth; for the 4,800 figures of a department's week that
# was ~2 ms (bench/FINDINGS.md §26). The rows printed read their KPIs and values whole.
_AS_STORED = {
    "target": "ranked_target",
    "this_week__value": "ranked_value",
    "this_week__previous_value": "ranked_previous_value",
    "this_week__figures__usual_move": "ranked_usual_move",
}


def _kpis_and_their_week(team_ids: list[int], monday: dt.date):
    week = Week.objects.id_starting(monday)
    columns = [*RankedKpi._fields, *(f"this_week__{name}" for name in _FIELDS)]
    return (
        KPI.objects.filter(team__in=team_ids)
        .annotate(this_week=FilteredRelation("values", condition=Q(values__week=week)))
        .filter(Q(is_active=True) | Q(this_week__isnull=False))
        .annotate(
            **{
                alias: ExpressionWrapper(F(column), output_field=DecimalField())
                for column, alias in _AS_STORED.items()
            }
        )
        .values_list(*(_AS_STORED.get(column, column) for column in columns))
    )


# Compiled once per connection and number of teams (common/precompiled.py, bench/FINDINGS.md §24).
_STAND_INS = (id_list_stand_ins()[0], STAND_IN_MONDAYS[0]), (id_list_stand_ins()[1], STAND_IN_MONDAYS[1])
_KPIS_AND_THEIR_WEEK = Precompiled(_kpis_and_their_week, *_STAND_INS)


def _is_current(row: tuple) -> bool:
    stamp, worked_out_at = row[4], row[5]
    return stamp is not None and worked_out_at == stamp


def _work_out(kpis: list[RankedKpi], rows: dict[int, tuple], week: IsoWeek) -> dict[int, tuple]:
    """The figures of these KPIs' values from their history, kept for the next page that needs them.

    Kept against the stamp read before the history: if a write renewed it since, the figures kept are
    already stale, and the next reader works them out again.
    """
    history = ranking.weekly_history(kpis, week)
    moves = ranking.moves(kpis, history)
    figures = {kpi.pk: (moves[kpi.pk].usual, moves[kpi.pk].changes_before) for kpi in kpis}
    kept = []
    for kpi in kpis:
        row = rows[kpi.pk]
        stamp = row[4] or 0
        usual, changes_before = figures[kpi.pk]
        kept.append(
            KpiValueFigures(
                value_id=row[0],
                stamp=stamp,
                worked_out_at=stamp,
                usual_move=usual,
                changes_before=changes_before,
            )
        )
    # An upsert that leaves the stamp alone: a trigger may have renewed it since it was read.
    KpiValueFigures.objects.bulk_create(
        kept,
        update_conflicts=True,
        unique_fields=["value"],
        update_fields=["worked_out_at", "usual_move", "changes_before"],
    )
    return figures
