"""Data for the week dashboards: every query a dashboard page makes is issued here, a fixed number per page.

The comparison arithmetic itself lives in reports/comparison.py; this module only decides which KPIs,
incidents, OKR items and reports a page needs and fetches each kind in one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from common.weeks import IsoWeek
from incidents.models import Incident
from incidents.summary import IncidentSummary, summarize_incidents
from okrs.rules import OkrRow, active_key_results, okr_rows
from reports.comparison import Change, Tone, compare_week, series
from reports.models import KPI, KPIValue, Team, TodoItem, Week, WeeklyReport

SPARK_WEEKS = 12
HEADLINE_PER_TEAM = 4
MOVERS = 5
# The overview's lists show their most important rows only; the count links to the full list page.
# Uncapped, a 30-team department rendered ~1,200 rows here (bench/RESULTS.md, overview at scale 100).
OVERVIEW_LIST_LIMIT = 15


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


@dataclass
class KpiGroup:
    name: str
    rows: list[KpiRow]


def _group_rows(rows: Iterable[KpiRow]) -> list[KpiGroup]:
    groups: dict[str, KpiGroup] = {}
    for row in rows:
        groups.setdefault(row.kpi.group, KpiGroup(row.kpi.group, [])).rows.append(row)
    return list(groups.values())


def _headline(kpis: list[KPI]) -> list[KPI]:
    """A team's headline KPIs: the first of each group by position, then fill up to the cap."""
    chosen, seen_groups = [], set()
    for kpi in kpis:
        if kpi.group not in seen_groups:
            seen_groups.add(kpi.group)
            chosen.append(kpi)
    for kpi in kpis:
        if len(chosen) >= HEADLINE_PER_TEAM:
            break
        if kpi not in chosen:
            chosen.append(kpi)
    order = {kpi.pk: index for index, kpi in enumerate(kpis)}
    return sorted(chosen[:HEADLINE_PER_TEAM], key=lambda kpi: order[kpi.pk])


def is_attention(change: Change) -> bool:
    """Worse than last week, or missing its target."""
    return change.tone == Tone.WORSE or change.target_met is False


# ---------------------------------------------------------------- OKRs


# ---------------------------------------------------------------- incidents


def _incidents(week: IsoWeek, **filters):
    return (
        Incident.objects.filter(week__starts_on__in=[week.monday, week.previous().monday], **filters)
        .select_related("team", "week")
        .order_by("started_at", "pk")
    )


# ---------------------------------------------------------------- department week


@dataclass
class TeamOverview:
    team: Team
    report: WeeklyReport | None
    headline: list[KpiRow]
    better: int = 0
    worse: int = 0

    @property
    def is_missing(self) -> bool:
        # Team.objects.missing_report's rule, on the report already loaded.
        return self.report is None or not self.report.is_done


@dataclass
class DepartmentWeek:
    week: IsoWeek
    teams: list[TeamOverview]
    best_moves: list[KpiRow]
    worst_moves: list[KpiRow]
    attention: list[KpiRow]
    incidents: IncidentSummary
    okr_moved: list[OkrRow]
    okr_stalled: list[OkrRow]
    okr_overdue: list[OkrRow]
    has_data: bool
    attention_total: int = 0
    okr_moved_total: int = 0
    okr_stalled_total: int = 0
    okr_overdue_total: int = 0

    @property
    def missing_teams(self) -> list[TeamOverview]:
        return [overview for overview in self.teams if overview.is_missing]


def _value_in(week: IsoWeek):
    # EXISTS per KPI on the (kpi, week) unique index. A join on values with DISTINCT instead read every
    # value of every KPI: 1.6 s for the overview at 608k values on PostgreSQL (bench/RESULTS.md).
    return KPIValue.objects.filter(kpi=OuterRef("pk"), week__starts_on=week.monday)


def department_week(week: IsoWeek) -> DepartmentWeek:
    """Everything the department overview shows, in a fixed number of queries whatever the history.

    The count is pinned in tests/pages/test_dashboards.py (OVERVIEW_QUERIES).
    """
    teams = list(Team.objects.filter(is_active=True))
    kpis = list(
        KPI.objects.filter(
            Q(is_active=True) | Q(Exists(_value_in(week))), team__is_active=True
        ).select_related("team")
    )
    changes = compare_week(kpis, week)
    reports = {
        report.team_id: report
        for report in WeeklyReport.objects.filter(week__starts_on=week.monday, team__in=teams)
    }
    kpis_by_team: dict[int, list[KPI]] = defaultdict(list)
    for kpi in kpis:
        kpis_by_team[kpi.team_id].append(kpi)
    headline_kpis = [kpi for team in teams for kpi in _headline(kpis_by_team[team.pk])]
    trends = series(headline_kpis, week, SPARK_WEEKS)

    overviews = []
    for team in teams:
        team_changes = [changes[kpi.pk] for kpi in kpis_by_team[team.pk]]
        overviews.append(
            TeamOverview(
                team=team,
                report=reports.get(team.pk),
                headline=[
                    KpiRow(kpi, changes[kpi.pk], trends[kpi.pk]) for kpi in _headline(kpis_by_team[team.pk])
                ],
                better=sum(1 for change in team_changes if change.tone == Tone.BETTER),
                worse=sum(1 for change in team_changes if change.tone == Tone.WORSE),
            )
        )

    rows = [KpiRow(kpi, changes[kpi.pk]) for kpi in kpis]

    def movers(tone: str) -> list[KpiRow]:
        moved = [row for row in rows if row.change.tone == tone]
        return sorted(moved, key=lambda row: row.change.magnitude, reverse=True)[:MOVERS]

    okrs = okr_rows(active_key_results(objective__team__is_active=True), week)
    incidents = summarize_incidents(_incidents(week), week)
    has_data = bool(
        reports
        or incidents.incidents
        or any(change.current is not None for change in changes.values())
        or any(row.update for row in okrs)
    )
    attention = sorted(
        (row for row in rows if is_attention(row.change)), key=lambda row: row.change.magnitude, reverse=True
    )
    moved = sorted((row for row in okrs if row.has_moved), key=lambda row: abs(row.delta), reverse=True)
    stalled = [row for row in okrs if row.is_stalled]
    overdue = sorted((row for row in okrs if row.is_overdue), key=lambda row: row.key_result.eta)
    limit = OVERVIEW_LIST_LIMIT
    return DepartmentWeek(
        week=week,
        teams=overviews,
        best_moves=movers(Tone.BETTER),
        worst_moves=movers(Tone.WORSE),
        attention=attention[:limit],
        incidents=incidents,
        okr_moved=moved[:limit],
        okr_stalled=stalled[:limit],
        okr_overdue=overdue[:limit],
        has_data=has_data,
        attention_total=len(attention),
        okr_moved_total=len(moved),
        okr_stalled_total=len(stalled),
        okr_overdue_total=len(overdue),
    )


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

    @property
    def has_data(self) -> bool:
        return bool(
            self.report
            or self.incidents.incidents
            or self.todos
            or any(row.update for row in self.okrs)
            or any(row.change.current is not None for group in self.kpi_groups for row in group.rows)
        )


def team_week(team: Team, week: IsoWeek) -> TeamWeek:
    """One team's week, in a fixed number of queries whatever its history."""
    # An archived KPI leaves the form, not the record: a week it has a value in still shows it.
    kpis = list(team.kpis.filter(Q(is_active=True) | Q(Exists(_value_in(week)))).order_by("position", "name"))
    changes = compare_week(kpis, week)
    trends = series(kpis, week, SPARK_WEEKS)
    notes = dict(
        KPIValue.objects.filter(kpi__in=kpis, week__starts_on=week.monday)
        .exclude(note="")
        .values_list("kpi_id", "note")
    )
    rows = [KpiRow(kpi, changes[kpi.pk], trends[kpi.pk], notes.get(kpi.pk, "")) for kpi in kpis]
    report = (
        WeeklyReport.objects.filter(team=team, week__starts_on=week.monday)
        .select_related("week", "updated_by", "submitted_by", "published_by")
        .prefetch_related("sections", "plans")
        .first()
    )
    # Open TODOs carried forward: raised this week or earlier, not closed before this week.
    todos = list(
        TodoItem.objects.open_in(team, week)
        .select_related("report__week", "done_in__week")
        .order_by("report__week__starts_on", "position", "id")
    )
    return TeamWeek(
        team=team,
        week=week,
        report=report,
        kpi_groups=_group_rows(rows),
        okrs=okr_rows(active_key_results(objective__team=team), week),
        incidents=summarize_incidents(_incidents(week, team=team), week),
        todos=todos,
    )


# ---------------------------------------------------------------- KPI detail
