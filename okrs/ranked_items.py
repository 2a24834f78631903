"""Key results as the overview ranks them: plain rows, not model instances; whole ones for the rows printed.

The overview ranks a department's 600 open items into its OKR groups to print fifteen or so. Built as
model instances with their objectives, they took five times as long as reading their rows (9 against
1.8 ms on SQLite, bench/FINDINGS.md §22). A ranked item carries what okrs/rules.py and the board order
read; `make_whole` swaps in the model instances (with objective, team and owner) of the rows a page
prints, in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db.models import QuerySet

from common.precompiled import Precompiled, id_list_stand_ins
from okrs.models import KeyResult, Objective
from okrs.rules import OkrRow
from reports.models import Team


class RankedObjective(NamedTuple):
    team_id: int
    period: str
    position: int
    code: str
    team: Team


class RankedItem(NamedTuple):
    pk: int
    position: int
    eta: dt.date | None
    measure: str
    start_value: Decimal | None
    target_value: Decimal | None
    objective: RankedObjective


_ITEM_FIELDS = ("pk", "position", "eta", "measure", "start_value", "target_value")
_OBJECTIVE_FIELDS = ("objective__team_id", "objective__period", "objective__position", "objective__code")
# The columns a ranked item is read from, first in a row (okrs/kept_look_back.py reads more after them).
COLUMNS = (*_ITEM_FIELDS, *_OBJECTIVE_FIELDS)

_IDS = id_list_stand_ins()
# Their teams are the ranking's, already read (`items_of_rows`), and given to the objectives below.
_WHOLE_ITEMS = Precompiled(
    lambda pks: KeyResult.objects.select_related("objective", "owner").filter(pk__in=pks),
    _IDS[:1],
    _IDS[1:],
)
_OBJECTIVE_TEAM = Objective._meta.get_field("team")


def ranked_items(key_results: QuerySet[KeyResult], teams: dict[int, Team]) -> list[RankedItem]:
    """These items, in the queryset's order, each objective given its team from `teams` (already read)."""
    return items_of_rows(key_results.values_list(*COLUMNS), teams)


def items_of_rows(rows: Iterable[tuple], teams: dict[int, Team]) -> list[RankedItem]:
    """The items of rows that begin with `COLUMNS`, in their order; the columns after them are left."""
    items = []
    split, end = len(_ITEM_FIELDS), len(COLUMNS)
    # An objective holds a few items: each is built once and shared by its items.
    objectives: dict[tuple, RankedObjective] = {}
    for row in rows:
        fields = row[split:end]
        objective = objectives.get(fields)
        if objective is None:
            objective = objectives[fields] = RankedObjective(*fields, teams[fields[0]])
        items.append(RankedItem(*row[:split], objective))
    return items


def make_whole(rows: Iterable[OkrRow]) -> set[int]:
    """Give rows ranked from plain items their key results whole (objective, team, owner): one query.

    Returns the ids of items deleted since they were ranked; their rows keep their plain items, and
    the caller leaves them out.
    """
    ranked = [row for row in rows if isinstance(row.key_result, RankedItem)]
    if not ranked:
        return set()
    whole = {kr.pk: kr for kr in _WHOLE_ITEMS([row.key_result.pk for row in ranked])}
    for row in ranked:
        kr = whole.get(row.key_result.pk)
        if kr is None:
            continue
        team = row.key_result.objective.team
        # An objective moved to another team since it was ranked loads its team when read.
        if kr.objective.team_id == team.pk:
            _OBJECTIVE_TEAM.set_cached_value(kr.objective, team)
        row.key_result = kr
    return {row.key_result.pk for row in ranked if row.key_result.pk not in whole}
