"""A team's week (or the whole department's) as the weekly document, in the house format of the seed.

`collect` reads everything a week needs in a fixed number of queries, whatever the number of
teams, KPIs, items or incidents; `render_team_week` and the print templates read only what it
returns. The Markdown it writes is also what the importer reads back, so export → import →
export gives the same document.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from common.formatting import format_number, format_signed, plain_decimal
from common.markdown import render_markdown
from common.weeks import IsoWeek
from documents.importer.figures import name_key
from documents.importer.parser import section_kind
from documents.importer.tokens import fill, referenced
from incidents.models import Incident
from incidents.summary import COMPUTED_GRADES, tally_line
from okrs.models import KeyResultUpdate
from okrs.progress import previous_updates, progress_percent
from reports.comparison import Change, format_value
from reports.models import KPIValue, PlanItem, ReportSection, Team, TodoItem, WeeklyReport

NEW_MARK = "新"
UNCHANGED_MARK = "持平"
INCIDENTS_TITLE = "生产事件"
OTHER_TITLE = "其他"
REFLECTIONS_TITLE = "收获与反思"
PLANS_TITLE = "下周工作及目标"
TODO_TITLE = "TODO"


@dataclass
class ItemView:
    """One OKR item this week, with last week's progress for the change."""

    number: int
    text: str
    title: str
    progress: Decimal | None
    previous_progress: Decimal | None
    eta: object

    @property
    def status_line(self) -> str:
        parts = []
        if self.progress is not None:
            part = f"进度{plain(self.progress)}%"
            if self.previous_progress is not None:
                part += f"（{signed_pp(self.progress - self.previous_progress)}）"
            parts.append(part)
        if self.eta:
            parts.append(f"预计{self.eta.isoformat()}")
        return " · ".join(parts)

    @property
    def status_label(self) -> str:
        """The status line for HTML pages, in the reader's language (the Markdown keeps the house one)."""
        parts = []
        if self.progress is not None:
            part = _("progress %(progress)s%%") % {"progress": plain(self.progress)}
            if self.previous_progress is not None:
                delta = self.progress - self.previous_progress
                part += f" ({signed_pp(delta) if delta else _('unchanged')})"
            parts.append(part)
        if self.eta:
            parts.append(f"{_('ETA')} {self.eta.isoformat()}")
        return " · ".join(parts)


@dataclass
class KpiRow:
    change: Change
    note: str

    @property
    def delta(self) -> str:
        """The change for HTML pages: "new" and "unchanged" in the reader's language."""
        return change_text(self.change, new=_("new"), unchanged=_("unchanged"))

    @property
    def value_text(self) -> str:
        return format_value(self.change.kpi, self.change.current)

    @property
    def previous_text(self) -> str:
        return format_value(self.change.kpi, self.change.previous)

    @property
    def line(self) -> str:
        return kpi_line(self.change)


@dataclass
class Block:
    """One titled part of the document: narrative, KPI group or objective, in document order."""

    title: str
    body: str = ""
    changes: list[KpiRow] = field(default_factory=list)
    items: list[ItemView] = field(default_factory=list)
    todos: list[TodoItem] = field(default_factory=list)

    @property
    def body_html(self):
        return render_markdown(self.body)


@dataclass
class TeamWeek:
    team: Team
    week: IsoWeek
    report: WeeklyReport | None
    blocks: list[Block] = field(default_factory=list)
    incidents_intro: str = ""
    incidents: list[Incident] = field(default_factory=list)
    loose_todos: list[TodoItem] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return bool(self.report or self.blocks or self.incidents)

    @property
    def other(self) -> str:
        return self.report.other if self.report else ""

    @property
    def reflections(self) -> str:
        return self.report.reflections if self.report else ""

    @property
    def plans(self) -> list[PlanItem]:
        return list(self.report.plans.all()) if self.report else []

    @property
    def incidents_intro_html(self):
        return render_markdown(self.incidents_intro)

    @property
    def other_html(self):
        return render_markdown(self.other)

    @property
    def reflections_html(self):
        return render_markdown(self.reflections)


def plain(value: Decimal) -> str:
    return f"{plain_decimal(value):f}"


def signed_pp(delta: Decimal) -> str:
    if delta == 0:
        return UNCHANGED_MARK
    places = 0 if delta == delta.to_integral() else 2
    return f"{format_signed(delta, places)}pp"


def change_text(change: Change, *, new: str = NEW_MARK, unchanged: str = UNCHANGED_MARK) -> str:
    """↑7.19% for counts, ↓14.33pp for percent KPIs, ↑5万元 from 0, 新 for a first value."""
    kpi = change.kpi
    if change.current is None:
        return ""
    if change.previous is None:
        return new
    arrow = "↑" if change.current > change.previous else "↓"
    if change.absolute == 0:
        return unchanged
    if kpi.is_percent:
        return f"{arrow}{format_number(abs(change.absolute), kpi.decimals)}pp"
    if change.relative is None:
        places = kpi.places_for(change.absolute)
        return f"{arrow}{format_number(abs(change.absolute), places)}{kpi.unit_label}"
    return f"{arrow}{format_number(abs(change.relative), 2)}%"


def kpi_line(change: Change) -> str:
    """`需求交付数 313（↑7.19%，292→313）`; percent KPIs move in pp; a first value is marked new."""
    kpi = change.kpi
    value = format_value(kpi, change.current)
    if change.current is None:
        return f"{kpi.name} —"  # a note without a value: the note, printed below, says why
    if change.previous is None:
        return f"{kpi.name} {value}（{NEW_MARK}）"
    return f"{kpi.name} {value}（{change_text(change)}，{format_value(kpi, change.previous)}→{value}）"


def incident_time(incident: Incident) -> str:
    moment = timezone.localtime(incident.started_at)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}:{moment.minute:02d}"


def collect(teams: list[Team], week: IsoWeek) -> list[TeamWeek]:
    """Every team's week, in the order given; eight queries at most, whatever the amount of data."""
    team_ids = [team.pk for team in teams]
    mondays = [week.monday, week.previous().monday]
    reports = {
        report.team_id: report
        for report in WeeklyReport.objects.filter(
            team__in=team_ids, week__starts_on=week.monday
        ).prefetch_related(
            Prefetch("sections", queryset=ReportSection.objects.order_by("position", "id")),
            Prefetch("todos", queryset=TodoItem.objects.order_by("position", "id")),
            Prefetch("plans", queryset=PlanItem.objects.order_by("position", "id")),
        )
    }
    current: dict[int, dict] = defaultdict(dict)
    previous: dict[int, dict] = defaultdict(dict)
    kpis: dict[int, object] = {}
    # Rows come from the week's values, so an archived KPI appears exactly in the weeks it was
    # reported: the document is the record of that week (a KPI archived later still belongs in it).
    for value in KPIValue.objects.filter(kpi__team__in=team_ids, week__starts_on__in=mondays).select_related(
        "kpi", "week"
    ):
        kpis[value.kpi_id] = value.kpi
        target = current if value.week.starts_on == week.monday else previous
        target[value.kpi.team_id][value.kpi_id] = value
    updates = defaultdict(list)
    week_updates = list(
        KeyResultUpdate.objects.filter(
            key_result__objective__team__in=team_ids, week__starts_on=week.monday
        ).select_related("key_result__objective", "week")
    )
    for update in week_updates:
        updates[update.key_result.objective.team_id].append(update)
    # The dashboards' rule (okrs.progress): the change is since the item's last update, not the
    # calendar week before, and a value-measured item counts its way from start to target.
    previous_progress = {
        key_result_id: progress_percent(update.key_result, update)
        for key_result_id, update in _previous_updates(week_updates, week).items()
    }
    incidents = defaultdict(list)
    for incident in Incident.objects.filter(team__in=team_ids, week__starts_on=week.monday).order_by(
        "started_at", "id"
    ):
        incidents[incident.team_id].append(incident)
    return [
        _team_week(
            team,
            week,
            reports.get(team.pk),
            current[team.pk],
            previous[team.pk],
            updates[team.pk],
            previous_progress,
            incidents[team.pk],
        )
        for team in teams
    ]


def _team_week(team, week, report, current, previous, updates, previous_progress, incidents) -> TeamWeek:
    result = TeamWeek(team=team, week=week, report=report, incidents=incidents)
    rows = [
        KpiRow(
            Change(value.kpi, value.value, previous[kpi_id].value if kpi_id in previous else None), value.note
        )
        for kpi_id, value in current.items()
    ]
    rows.sort(key=lambda row: (row.change.kpi.position, row.change.kpi.name))
    sections = list(report.sections.all()) if report else []
    # A figure the kept prose states (a reference to its KPI) is written there, from the data, and
    # not a second time as a generated line; a value with a note keeps its line for the note.
    in_prose = set().union(*(referenced(section.body) for section in sections)) if sections else set()
    by_group: dict[str, list] = defaultdict(list)
    for row in rows:
        if row.change.kpi.pk in in_prose and not row.note:
            continue
        by_group[name_key(row.change.kpi.group)].append(row)
    items_by_code: dict[str, list] = defaultdict(list)
    titles_by_code: dict[str, str] = {}
    for update in sorted(
        updates, key=lambda u: (u.key_result.objective.position, u.key_result.position, u.pk)
    ):
        objective = update.key_result.objective
        items_by_code[objective.code.upper()].append(update)
        titles_by_code.setdefault(objective.code.upper(), f"{objective.code} {objective.title}")
    todos = list(report.todos.all()) if report else []
    used_todos: set[int] = set()
    intro = []
    for section in sections:
        if section_kind(section.title) == "incidents":
            intro.append(fill(section.body, current, previous))
            continue
        block = Block(title=section.title, body=fill(section.body, current, previous))
        block.changes = by_group.pop(name_key(section.title), [])
        code = _okr_code(section.title)
        if code and code in items_by_code:
            block.items = _items(items_by_code.pop(code), previous_progress)
        if section.title:
            block.todos = [todo for todo in todos if todo.section_title == section.title]
            used_todos.update(todo.pk for todo in block.todos)
        result.blocks.append(block)
    for group_changes in by_group.values():
        title = group_changes[0].change.kpi.group or "KPI"
        result.blocks.append(Block(title=title, changes=group_changes))
    for code, code_updates in items_by_code.items():
        result.blocks.append(Block(title=titles_by_code[code], items=_items(code_updates, previous_progress)))
    result.incidents_intro = "\n\n".join(text for text in intro if text)
    result.loose_todos = [todo for todo in todos if todo.pk not in used_todos]
    return result


def _previous_updates(week_updates: list[KeyResultUpdate], week: IsoWeek) -> dict[int, KeyResultUpdate]:
    key_results = {update.key_result_id: update.key_result for update in week_updates}
    if not key_results:
        return {}
    previous = previous_updates(list(key_results), week)
    for key_result_id, update in previous.items():
        update.key_result = key_results[key_result_id]  # already read; no query per item
    return previous


def _okr_code(title: str) -> str | None:
    if section_kind(title) != "okr":
        return None
    return title.strip().split()[0].split("：")[0].split(":")[0].upper() if title.strip() else None


def _items(updates, previous_progress) -> list[ItemView]:
    return [
        ItemView(
            number=number,
            text=update.note or update.key_result.title,
            title=update.key_result.title,
            progress=progress_percent(update.key_result, update),
            previous_progress=previous_progress.get(update.key_result_id),
            eta=update.key_result.eta,
        )
        for number, update in enumerate(updates, start=1)
    ]


def _indent_continuation(text: str) -> str:
    """Lines after the first belong to the item: indent those written flush left."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    rest = [line if line.startswith(" ") else f"    {line}" for line in lines[1:]]
    return "\n".join([lines[0], *rest])


def _numbered(texts: list[str]) -> list[str]:
    return [f"{number}. {_indent_continuation(text)}" for number, text in enumerate(texts, start=1)]


def _ticked(text: str, done: bool) -> str:
    """An item done as of the week carries a tick, which the importer reads back (list_items.py)."""
    return f"[x] {text}" if done else text


def _todo_texts(todos: list[TodoItem]) -> list[str]:
    return [_ticked(todo.text, todo.done_where_raised) for todo in todos]


def _block_markdown(block: Block, incidents: list[Incident]) -> list[str]:
    parts = [f"## 【{block.title}】"] if block.title else []
    if block.items:
        lines = []
        for item in block.items:
            lines.append(f"{item.number}. {_indent_continuation(item.text)}")
            if item.status_line:
                lines.append(f"    {item.status_line}")
        parts.append("\n".join(lines))
    if block.body:
        parts.append(block.body)
    if block.changes:
        lines = []
        # The grade counts are one line, as people write it, counted from the records (one source).
        tally = [row for row in block.changes if row.change.kpi.computed_from in COMPUTED_GRADES]
        for row in block.changes:
            if row not in tally:
                lines.append(row.line)
            elif row is tally[0]:
                lines.append(tally_line([row.change.kpi for row in tally], incidents))
            lines.extend(f"    {line}" for line in row.note.splitlines() if line.strip())
        parts.append("\n".join(lines))
    if block.todos:
        parts.append("**TODO：**")
        parts.append("\n".join(_numbered(_todo_texts(block.todos))))
    return parts


def render_team_week(team_week: TeamWeek, *, title: bool = True) -> str:
    parts = [f"# {team_week.week}"] if title else []
    for block in team_week.blocks:
        parts.extend(_block_markdown(block, team_week.incidents))
    if team_week.incidents or team_week.incidents_intro:
        parts.append(f"## 【{INCIDENTS_TITLE}】")
        if team_week.incidents_intro:
            parts.append(team_week.incidents_intro)
        for incident in team_week.incidents:
            parts.append(f"{incident_time(incident)}\n{incident.description or incident.title}".rstrip())
    if team_week.other:
        parts.extend([f"## 【{OTHER_TITLE}】", team_week.other])
    if team_week.reflections:
        parts.extend([f"## {REFLECTIONS_TITLE}", team_week.reflections])
    plans = team_week.plans
    if plans:
        parts.extend(
            [f"# {PLANS_TITLE}", "\n".join(_numbered([_ticked(plan.text, plan.is_done) for plan in plans]))]
        )
    if team_week.loose_todos:
        parts.extend([f"## {TODO_TITLE}", "\n".join(_numbered(_todo_texts(team_week.loose_todos)))])
    return "\n\n".join(part.strip("\n") for part in parts) + "\n"


def team_week_markdown(team: Team, week: IsoWeek) -> str:
    return render_team_week(collect([team], week)[0])


def department_team_weeks(week: IsoWeek) -> list[TeamWeek]:
    teams = list(Team.objects.filter(is_active=True))
    return collect(teams, week)


def render_department(team_weeks: list[TeamWeek], week: IsoWeek) -> str:
    parts = [f"# {week}"]
    for team_week in team_weeks:
        if not team_week.has_content:
            continue
        parts.append(f"# {team_week.team.name}")
        parts.append(render_team_week(team_week, title=False).strip("\n") or "")
    return "\n\n".join(part for part in parts if part) + "\n"
