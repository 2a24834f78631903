"""Data for the week dashboards: every query a dashboard page makes is issued here, a fixed number per page.

The comparison arithmetic itself lives in reports/comparison.py; this module only decides which KPIs,
incidents, OKR items and reports a page needs and fetches each kind in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Subquery, prefetch_related_objects
from django.utils import timezone

from common.precompiled import STAND_IN_MONDAYS, Precompiled
from common.weeks import IsoWeek
from incidents.models import Incident
from incidents.summary import IncidentSummary, summarize
from okrs.rules import OkrGroups, OkrRow, active_key_results, okr_groups, okr_rows
from reports import ranking
from reports.comparison import Change
from reports.models import KPI, KPIValue, Team, TodoItem, Week, WeeklyReport
from reports.ranking import Move

SPARK_WEEKS = 12
# The team week's summary names this many of the team's most notable moves.
SUMMARY_MOVES = 3


# ---------------------------------------------------------------- weeks


def latest_week_with_data() -> IsoWeek | None:
    """The newest week up to the current one holding a KPI value, a report or an incident, in one query.

    Later weeks are left out so one future-dated import, incident or form save cannot send everyone
    to a week in 2999.
    """
    week = (
        Week.objects.filter(starts_on__lte=current_week().monday)
        .filter(
            Q(Exists(KPIValue.objects.filter(week=OuterRef("pk"))))
            | Q(Exists(WeeklyReport.objects.filter(week=OuterRef("pk"))))
            | Q(Exists(Incident.objects.filter(week=OuterRef("pk"))))
        )
        .order_by("-starts_on")
        .first()
    )
    return week.iso if week else None


def current_week() -> IsoWeek:
    return IsoWeek.from_date(timezone.localdate())


# ---------------------------------------------------------------- KPIs


@dataclass
class KpiRow:
    kpi: KPI
    change: Change
    trend: list[Decimal | None] = field(default_factory=list)
    note: str = ""
    move: Move | None = None
    # Why the row is in a ranked list ("2.7× its usual move", "below target 90%"), in the reader's language.
    reasons: list[str] = field(default_factory=list)


def kpi_row(
    move: Move,
    history: dict[int, list],
    *,
    target_first: bool = False,
    note: str = "",
    texts: ranking.ReasonTexts | None = None,
) -> KpiRow:
    """`texts`: the reasons' texts (`ranking.reason_texts()`), looked up once for the rows of a page."""
    kpi = move.kpi
    reasons = move.reasons(target_first=target_first, texts=texts)
    return KpiRow(kpi, move.change, history[kpi.pk][-SPARK_WEEKS:], note, move, reasons)


@dataclass
class KpiGroup:
    name: str
    rows: list[KpiRow]


def _group_rows(rows: Iterable[KpiRow]) -> list[KpiGroup]:
    groups: dict[str, KpiGroup] = {}
    for row in rows:
        groups.setdefault(row.kpi.group, KpiGroup(row.kpi.group, [])).rows.append(row)
    return list(groups.values())


# ---------------------------------------------------------------- OKRs


# ---------------------------------------------------------------- incidents


def _team_incidents(team_pk: int, monday: dt.date, previous: dt.date):
    return (
        Incident.objects.filter(team_id=team_pk, week__starts_on__in=[monday, previous])
        .select_related("team", "week")
        .order_by("started_at", "pk")
    )


# ---------------------------------------------------------------- KPIs shown in a week
# The team week's rule; the overview reads the same with each KPI's value beside it
# (reports/week_figures.py `moves_of_teams`).


def _value_in(monday: dt.date):
    # EXISTS per KPI on the (kpi, week) unique index. A join on values with DISTINCT instead read every
    # value of every KPI: 1.6 s for the overview at 608k values on PostgreSQL (bench/RESULTS.md).
    # Unordered: KPIValue's default order joined each KPI and its team again only to sort one row.
    return KPIValue.objects.filter(kpi=OuterRef("pk"), week__starts_on=monday).order_by()


# ---------------------------------------------------------------- team week


@dataclass
class TeamWeek:
    team: Team
    week: IsoWeek
    report: WeeklyReport | None
    kpi_groups: list[KpiGroup]
    okrs: list[OkrRow]
    incidents: IncidentSummary
    todos: list[TodoItem]
    # The summary a manager reads first: the ranked moves either way and the KPIs off target.
    headline_moves: list[KpiRow] = field(default_factory=list)
    target_misses: list[KpiRow] = field(default_factory=list)
    okr_groups: OkrGroups | None = None

    @property
    def has_data(self) -> bool:
        return bool(
            self.report
            or self.incidents.incidents
            or self.todos
            or any(row.has_update for row in self.okrs)
            or any(row.change.current is not None for group in self.kpi_groups for row in group.rows)
        )


def _team_kpis(team_pk: int, monday: dt.date):
    # An archived KPI leaves the form, not the record: a week it has a value in still shows it.
    # This week's note comes with its KPI (a subquery on the (kpi, week) index): one query fewer, each
    # a round trip on PostgreSQL.
    return (
        KPI.objects.filter(team_id=team_pk)
        .filter(Q(is_active=True) | Q(Exists(_value_in(monday))))
        .annotate(week_note=Subquery(_value_in(monday).values("note")[:1]))
        .order_by("position", "name")
    )


def _team_report(team_pk: int, monday: dt.date):
    # At most one row, (team, week) being unique: no order and no limit to plan.
    return (
        WeeklyReport.objects.filter(team_id=team_pk, week__starts_on=monday)
        .select_related("week", "updated_by", "submitted_by", "published_by")
        .order_by()
    )


def _team_todos(team_pk: int, monday: dt.date):
    # Open TODOs carried forward: raised this week or earlier, not closed before this week.
    return (
        TodoItem.objects.open_in(Team(pk=team_pk), IsoWeek.from_date(monday))
        .select_related("report__week", "done_in__week")
        .order_by("report__week__starts_on", "position", "id")
    )


# Stand-ins no team or week has, for compiling the team week's statements once per connection.
_STAND_INS = ((-987654321, STAND_IN_MONDAYS[0]), (-123456789, STAND_IN_MONDAYS[1]))
_KPIS = Precompiled(_team_kpis, *_STAND_INS)
_REPORT = Precompiled(_team_report, *_STAND_INS)
_TODOS = Precompiled(_team_todos, *_STAND_INS)
_INCIDENTS = Precompiled(
    _team_incidents, *((pk, monday, monday - dt.timedelta(days=7)) for pk, monday in _STAND_INS)
)


def team_week(team: Team, week: IsoWeek) -> TeamWeek:
    """One team's week, in a fixed number of queries whatever its history."""
    kpis = _KPIS(team.pk, week.monday)
    for kpi in kpis:
        # What `team.kpis` would have set: the team at hand, not a query per KPI.
        kpi.team = team
    history = ranking.weekly_history(kpis, week)
    moves = ranking.moves(kpis, history)
    texts = ranking.reason_texts()
    rows = [kpi_row(moves[kpi.pk], history, note=kpi.week_note or "", texts=texts) for kpi in kpis]
    report = next(iter(_REPORT(team.pk, week.monday)), None)
    if report is not None:
        prefetch_related_objects([report], "sections", "plans")
    todos = _TODOS(team.pk, week.monday)
    okrs = okr_rows(active_key_results(objective__team=team), week)
    ranked = sorted(
        (move for move in moves.values() if move.is_rankable or move.crossing), key=lambda move: move.rank_key
    )
    misses = [move for move in moves.values() if move.change.target_met is False]
    return TeamWeek(
        team=team,
        week=week,
        report=report,
        kpi_groups=_group_rows(rows),
        okrs=okrs,
        incidents=summarize(_INCIDENTS(team.pk, week.monday, week.previous().monday), week),
        todos=todos,
        headline_moves=[kpi_row(move, history, texts=texts) for move in ranked[:SUMMARY_MOVES]],
        target_misses=[kpi_row(move, history, target_first=True, texts=texts) for move in misses],
        okr_groups=okr_groups(okrs),
    )


# ---------------------------------------------------------------- KPI detail
