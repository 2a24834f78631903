"""Everything the weekly form shows for one team and week, read in a fixed number of queries.

Nothing is created here: opening a week that nobody has saved yet leaves the database untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from common.formatting import format_number, plain_decimal
from common.precompiled import Precompiled
from common.weeks import IsoWeek
from incidents import summary
from incidents.forms import DATETIME_FORMAT
from incidents.models import FollowUpAction, Incident
from okrs.models import KeyResult, KeyResultUpdate
from pages.forms import kpi_key, kr_key
from reports.comparison import Change, format_absolute, format_relative, format_value
from reports.models import KPI, KPIValue, PlanItem, ReportSection, Team, TodoItem, Week, WeeklyReport

# Each report's sections and plans in their own order. The models' default order starts with the report,
# which sorts by the report's own order and so joins its week and team: the same rows per report, dearer.
ROW_ORDER = ("report_id", "position", "id")

# A KPI filled in fewer than half of the weeks the team reported over this window folds under
# "other KPIs"; one not filled at all in the window always does.
FOLD_WEEKS = 8


@dataclass
class KPIRow:
    kpi: KPI
    change: Change
    # This week's saved note ("" when none), the only part of its stored row the form shows besides the value.
    note: str = ""
    folded: bool = False

    @property
    def previous_text(self) -> str:
        return format_value(self.kpi, self.change.previous)

    @property
    def current_text(self) -> str:
        # Computed KPIs show their value read-only (templates/reports/_week_form_kpis.html).
        return format_value(self.kpi, self.change.current)

    @property
    def absolute_text(self) -> str:
        return format_absolute(self.change)

    @property
    def relative_text(self) -> str:
        return format_relative(self.change)

    @property
    def unit_suffix(self) -> str:
        return "%" if self.kpi.is_percent else self.kpi.unit_label

    @property
    def previous_plain(self) -> str:
        """Last week's value for the page's script, which shows the change as the lead types."""
        return decimal_text(self.change.previous)


@dataclass
class KeyResultRow:
    key_result: KeyResult
    current: KeyResultUpdate | None
    previous: KeyResultUpdate | None

    @property
    def is_value(self) -> bool:
        return self.key_result.measure == KeyResult.Measure.VALUE

    @property
    def previous_text(self) -> str:
        previous = self.previous
        if previous is None:
            return ""
        if self.is_value:
            text = decimal_text(previous.current_value)
            return f"{text}{self.key_result.unit_label}" if text else ""
        text = decimal_text(previous.progress)
        return f"{text}%" if text else ""


@dataclass
class WeekData:
    team: Team
    week: IsoWeek
    report: WeeklyReport | None = None
    previous_report: WeeklyReport | None = None
    kpis: list[KPI] = field(default_factory=list)
    kpi_rows: list[KPIRow] = field(default_factory=list)
    key_results: list[KeyResult] = field(default_factory=list)
    key_result_rows: list[KeyResultRow] = field(default_factory=list)
    sections: list[ReportSection] = field(default_factory=list)
    previous_sections: list[ReportSection] = field(default_factory=list)
    open_todos: list[TodoItem] = field(default_factory=list)
    own_todos: list[TodoItem] = field(default_factory=list)
    plans: list[PlanItem] = field(default_factory=list)
    previous_plans: list[PlanItem] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    # Each incident's follow-up actions (their descriptions, in order), by incident id.
    incident_actions: dict[int, list[str]] = field(default_factory=dict)

    @property
    def revision(self) -> int:
        return self.report.revision if self.report else 0

    @property
    def is_locked(self) -> bool:
        return bool(self.report and self.report.is_locked)

    def kpi_groups(self, folded: bool = False) -> list[tuple[str, list[KPIRow]]]:
        groups: dict[str, list[KPIRow]] = {}
        for row in self.kpi_rows:
            if row.folded == folded:
                groups.setdefault(row.kpi.group, []).append(row)
        return list(groups.items())

    def objective_groups(self) -> list[tuple[object, list[KeyResultRow]]]:
        groups: dict[int, tuple[object, list[KeyResultRow]]] = {}
        for row in self.key_result_rows:
            objective = row.key_result.objective
            groups.setdefault(objective.pk, (objective, []))[1].append(row)
        return list(groups.values())


def _reports(team_pk: int, monday: date, previous: date):
    return (
        WeeklyReport.objects.filter(team_id=team_pk, week__starts_on__in=[monday, previous])
        # Who saved it last is on the page; who submitted and published it are not.
        .select_related("week", "updated_by")
        .order_by()
    )


def _kpis(team_pk: int):
    # Groups appear in the order of their first KPI by position, as the report reads.
    return KPI.objects.filter(team_id=team_pk, is_active=True).order_by("position", "name")


def _incidents(team_pk: int, monday: date):
    return Incident.objects.filter(team_id=team_pk, week__starts_on=monday).order_by("started_at", "pk")


def _key_results(team_pk: int):
    return (
        KeyResult.objects.active()
        .filter(objective__team_id=team_pk)
        .select_related("objective", "owner")
        .in_board_order()
    )


def _todos(team_pk: int, monday: date):
    return (
        TodoItem.objects.open_in(Team(pk=team_pk), IsoWeek.from_date(monday))
        .select_related("report__week")
        .order_by("report__week__starts_on", "position", "id")
    )


# The form's statements whose shape never changes, compiled once per connection (common/precompiled.py):
# building and compiling them cost ~3 ms a page. The stand-ins are a team and weeks no row has.
_FIRST, _SECOND = (-987654321, date(1901, 1, 7)), (-123456789, date(1902, 1, 6))
_REPORTS = Precompiled(
    _reports, (*_FIRST, _FIRST[1] - timedelta(days=7)), (*_SECOND, _SECOND[1] - timedelta(days=7))
)
_KPIS = Precompiled(_kpis, _FIRST[:1], _SECOND[:1])
_INCIDENTS = Precompiled(_incidents, _FIRST, _SECOND)
_KEY_RESULTS = Precompiled(_key_results, _FIRST[:1], _SECOND[:1])
_TODOS = Precompiled(_todos, _FIRST, _SECOND)


def load_week(team: Team, week: IsoWeek) -> WeekData:
    data = WeekData(team=team, week=week)
    mondays = [week.monday, week.previous().monday]

    reports = {report.week.starts_on: report for report in _REPORTS(team.pk, *mondays)}
    data.report = reports.get(week.monday)
    data.previous_report = reports.get(mondays[1])
    report_ids = [report.pk for report in reports.values()]

    data.kpis = _KPIS(team.pk)
    values, filled = _kpi_window(data.kpis, week)
    data.incidents = _INCIDENTS(team.pk, week.monday)
    if data.incidents:
        # Only the descriptions are shown: read as text, in each incident's order, rather than prefetched
        # as instances (whose default order also joined back to the incident).
        actions = (
            FollowUpAction.objects.filter(incident__in=[incident.pk for incident in data.incidents])
            .order_by("incident_id", "position", "id")
            .values_list("incident_id", "description")
        )
        for incident_id, description in actions:
            data.incident_actions.setdefault(incident_id, []).append(description)
    reported_weeks = len({week_id for weeks in filled.values() for week_id in weeks})
    for kpi in data.kpis:
        current = values.get((kpi.pk, mondays[0]))
        previous = values.get((kpi.pk, mondays[1]))
        now = current[0] if current else None
        if kpi.is_computed:
            # What the records say right now, also before the week is first saved.
            now = summary.computed_value(kpi.computed_from, data.incidents)
        change = Change(kpi, now, previous[0] if previous else None)
        has_input = current is not None or (kpi.is_computed and now is not None)
        folded = not has_input and len(filled.get(kpi.pk, ())) * 2 < reported_weeks
        data.kpi_rows.append(KPIRow(kpi, change, current[1] if current else "", folded=folded))

    data.key_results = _KEY_RESULTS(team.pk)
    updates = {
        (update.key_result_id, update.monday): update
        for update in KeyResultUpdate.objects.filter(
            key_result__in=[kr.pk for kr in data.key_results], week__starts_on__in=mondays
        )
        .annotate(monday=F("week__starts_on"))
        .order_by()  # as the KPI values above
    }
    data.key_result_rows = [
        KeyResultRow(kr, updates.get((kr.pk, mondays[0])), updates.get((kr.pk, mondays[1])))
        for kr in data.key_results
    ]

    for section in ReportSection.objects.filter(report__in=report_ids).order_by(*ROW_ORDER):
        if data.report and section.report_id == data.report.pk:
            data.sections.append(section)
        else:
            data.previous_sections.append(section)
    for plan in PlanItem.objects.filter(report__in=report_ids).order_by(*ROW_ORDER):
        if data.report and plan.report_id == data.report.pk:
            data.plans.append(plan)
        else:
            data.previous_plans.append(plan)

    for todo in _TODOS(team.pk, week.monday):
        if todo.report.week.starts_on == week.monday:
            data.own_todos.append(todo)
        else:
            data.open_todos.append(todo)

    return data


def _kpi_window(kpis: list[KPI], week: IsoWeek):
    """The KPIs' values over the fold window and this week, in one query: this and last week's
    (value, note) by (KPI id, Monday), and the window's weeks (before this one) each KPI has a value in.

    Plain tuples, not KPIValue and Week instances: the form reads a value and a note from two weeks and
    only counts the rest. Unordered: KPIValue's default order would join the KPI and its team to sort.
    """
    mondays = {week.monday, week.previous().monday}
    values: dict[tuple[int, date], tuple[Decimal | None, str]] = {}
    filled: dict[int, set[int]] = {}
    rows = (
        KPIValue.objects.filter(
            kpi__in=[kpi.pk for kpi in kpis],
            # The window's weeks as a subquery: filtering on the joined week's date, PostgreSQL read
            # every value of the KPIs' whole history (~20,000 rows) and joined it to the nine weeks.
            week__in=Week.objects.filter(
                starts_on__gte=week.shifted(-FOLD_WEEKS).monday, starts_on__lte=week.monday
            ),
        )
        .order_by()
        .values_list("kpi_id", "week_id", "week__starts_on", "value", "note")
    )
    for kpi_id, week_id, monday, value, note in rows:
        if monday in mondays:
            values[kpi_id, monday] = (value, note)
        if value is not None and monday < week.monday:
            filled.setdefault(kpi_id, set()).add(week_id)
    return values, filled


def decimal_text(value, places: int | None = None) -> str:
    """313, 81.72; without places, as short as the value allows (80 rather than 80.00)."""
    if value is None:
        return ""
    if places is None:
        return f"{plain_decimal(value):f}"
    return format_number(value, places)


def initial_for(data: WeekData) -> dict:
    """The form's initial values: this week's when saved, otherwise a start from last week."""
    report = data.report
    initial = {
        "revision": data.revision,
        "action": "",
        "reflections": report.reflections if report else "",
        "other": report.other if report else "",
        "plans_text": "\n".join(plan.text for plan in data.plans),
    }
    for row in data.kpi_rows:
        key = kpi_key(row.kpi)
        if not row.kpi.is_computed:
            # Exactly as stored, not rounded to the KPI's decimals: a save must not change what nobody typed.
            initial[key] = decimal_text(row.change.current)
        initial[f"{key}_note"] = row.note
    for row in data.key_result_rows:
        key = kr_key(row.key_result)
        # Last week's figure and status stand until edited: an item nobody touched reads "unchanged".
        shown = row.current or row.previous
        if row.is_value:
            initial[f"{key}_value"] = decimal_text(shown.current_value if shown else None)
        else:
            initial[f"{key}_progress"] = decimal_text(shown.progress if shown else None)
        initial[f"{key}_status"] = shown.status if shown else KeyResultUpdate.Status.ON_TRACK
        initial[f"{key}_note"] = row.current.note if row.current else ""
        eta = row.key_result.eta
        initial[f"{key}_eta"] = eta.isoformat() if eta else ""
    for todo in data.open_todos:
        initial[f"todo_{todo.pk}_done"] = bool(report and todo.done_in_id == report.pk)
        initial[f"todo_{todo.pk}_text"] = todo.text
    for plan in data.previous_plans:
        initial[f"plan_{plan.pk}_done"] = plan.is_done
    if report:
        initial["_sections"] = [{"id": s.pk, "title": s.title, "body": s.body} for s in data.sections]
    else:
        initial["_sections"] = [{"title": s.title, "body": ""} for s in data.previous_sections]
    initial["_todos"] = [
        {"id": todo.pk, "text": todo.text, "section_title": todo.section_title} for todo in data.own_todos
    ]
    initial["_incidents"] = [
        incident_initial(incident, data.incident_actions.get(incident.pk, ())) for incident in data.incidents
    ]
    return initial


def _moment(value) -> str:
    return timezone.localtime(value).strftime(DATETIME_FORMAT) if value else ""


def incident_initial(incident: Incident, actions=()) -> dict:
    """An incident as its row of the form shows it, its follow-up `actions` one per line: strings, so the
    opened snapshot compares with input."""
    return {
        "id": incident.pk,
        "title": incident.title,
        "kind": incident.kind,
        "grade": incident.grade,
        "responsibility_share": decimal_text(incident.responsibility_share),
        "detection": incident.detection,
        "started_at": _moment(incident.started_at),
        "resolved_at": _moment(incident.resolved_at),
        "description": incident.description,
        "impact": incident.impact,
        "cause": incident.cause,
        "actions": "\n".join(actions),
    }


def flatten(initial: dict) -> dict[str, str]:
    """Initial values keyed like the POST data, as strings: what the page showed, comparable to input."""
    flat = {}
    for key, value in initial.items():
        if key in ("_sections", "_todos", "_incidents", "revision", "action"):
            continue
        flat[key] = "on" if value is True else "" if value is False else str(value)
    for prefix in ("sections", "todos", "incidents"):
        rows = initial.get(f"_{prefix}", [])
        for index, row in enumerate(rows):
            for name, value in row.items():
                # The id ties the snapshot to its row, however the rows are ordered when it is posted.
                flat[f"{prefix}-{index}-{name}"] = str(value)
    return flat
