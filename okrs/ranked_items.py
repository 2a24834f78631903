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
from okrs.models import KeyResult
from okrs.rules import ItemsOfTeams, OkrRow
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


def _rows_of_teams(team_ids: list[int]) -> QuerySet:
    rows = ItemsOfTeams(team_ids).queryset().select_related(None)
    return rows.values_list(*_ITEM_FIELDS, *_OBJECTIVE_FIELDS)


# Compiled once per connection and number of teams or items (common/precompiled.py): compiling them
# cost more than the database took to answer (bench/FINDINGS.md §24).
_IDS = id_list_stand_ins()
_ROWS_OF_TEAMS = Precompiled(_rows_of_teams, _IDS[:1], _IDS[1:])
_WHOLE_ITEMS = Precompiled(
    lambda pks: KeyResult.objects.select_related("objective__team", "owner").filter(pk__in=pks),
    _IDS[:1],
    _IDS[1:],
)


def ranked_items(key_results: QuerySet[KeyResult] | ItemsOfTeams, teams: dict[int, Team]) -> list[RankedItem]:
    """These items, in the queryset's order (for `ItemsOfTeams`, in board order), each objective given its
    team from `teams` (already read)."""
    items = []
    split = len(_ITEM_FIELDS)
    # An objective holds a few items: each is built once and shared by its items.
    objectives: dict[tuple, RankedObjective] = {}
    if isinstance(key_results, ItemsOfTeams):
        rows = _ROWS_OF_TEAMS(key_results.team_ids)
    else:
        rows = key_results.values_list(*_ITEM_FIELDS, *_OBJECTIVE_FIELDS)
    for row in rows:
        fields = row[split:]
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
        row.key_result = whole.get(row.key_result.pk, row.key_result)
    return {row.key_result.pk for row in ranked if row.key_result.pk not in whole}
