"""Parsing a weekly document into a ParsedReport. Plain functions; no database access."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from common.weeks import IsoWeek
from documents.importer.figures import figures_in_line, name_key, normalize, parse_canonical, unstorable
from documents.importer.structure import (
    Figure,
    IncidentEntry,
    OkrItem,
    OkrSection,
    ParsedReport,
    Section,
    Todo,
)
from documents.importer.text import (
    Block,
    ReportFormatError,
    check_text,
    check_week,
    dedent,
    in_years,
    indent_of,
    join,
    read_week,
    split_blocks,
    split_lines,
)
from incidents.models import Incident

ITEM = re.compile(r"^(?P<number>\d{1,3})[.、．)](?!\d)\s*(?P<text>.*)$")
BULLET = re.compile(r"^[-*+•]\s+(?P<text>.*)$")
OKR_TITLE = re.compile(r"^(?P<code>[Oo]\d{1,2})\s*[:：.、\s]?\s*(?P<title>.*)$")
TODO_START = re.compile(r"^\**\s*TODO\s*[:：]?\s*\**\s*(?P<rest>.*)$", re.IGNORECASE)
PROGRESS = re.compile(r"进度\s*(?P<value>\d+(?:\.\d+)?)\s*%")
ANY_PERCENT = re.compile(r"(?<![\d.])(?P<value>\d+(?:\.\d+)?)\s*%")
ETA_ISO = re.compile(r"预计\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
ETA_SHORT = re.compile(r"预计\s*[是于在]?\s*(?P<m>\d{1,2})\s*[/月.]\s*(?P<d>\d{1,2})(?!\d)")
STATUS_LINE = re.compile(
    r"^(?:进度(?P<progress>\d+(?:\.\d+)?)%(?:\([^)]*\))?)?\s*(?:·\s*)?(?:预计(?P<eta>\d{4}-\d{2}-\d{2}))?$"
)
INCIDENT_START = re.compile(
    r"^(?P<y>\d{4})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})\s*日?\s+"
    r"(?P<H>\d{1,2})\s*:\s*(?P<M>\d{2})(?!\d)\s*(?P<rest>.*)$"
)
RESOLVED = re.compile(
    r"(?<![\d:])(?P<H>\d{1,2}):(?P<M>\d{2})(?!\d)[^,;。:]{0,6}?(?:完成|成功|恢复|解决|修复)"
)
IMPACT = re.compile(r"(?P<count>\d+)\s*次(?:报错|失败|错误|异常)")
FIRST_CLAUSE = re.compile(r"^[^:,;。，；：]+")
# Incident.impact_count is a PositiveIntegerField: a 32-bit signed integer on PostgreSQL.
MAX_COUNT = 2**31 - 1
PROGRESS_STEP = Decimal("0.01")  # KeyResultUpdate.progress has two decimal places


def section_kind(title: str) -> str:
    text = normalize(title).strip()
    if OKR_TITLE.match(text) and re.match(r"^[Oo]\d", text):
        return "okr"
    if re.search(r"生产事件|线上事件|生产问题|故障", text):
        return "incidents"
    if re.match(r"^(其他|其它)", text):
        return "other"
    if re.search(r"收获|反思", text):
        return "reflections"
    if text.startswith("下周"):
        return "plans"
    if re.match(r"^TODO\b", text, re.IGNORECASE):
        return "todos"
    return "narrative"


def parse_document(text: str, week: IsoWeek | None = None) -> ParsedReport:
    """Read a weekly document; raise ReportFormatError with a user-facing reason if we cannot."""
    lines = split_lines(check_text(text))
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    title_week = read_week(lines[first]) if first is not None else None
    if title_week is not None:
        lines = lines[first + 1 :]
    if title_week and week and title_week != week:
        raise ReportFormatError(
            _("The document is titled %(title)s but the week given is %(week)s.")
            % {"title": title_week, "week": week}
        )
    week = week or title_week
    if week is None:
        raise ReportFormatError(_("The document has no week title such as “# 2024-W33”; give the week."))
    check_week(week)
    blocks = split_blocks(lines)
    if not any(block.title for block in blocks):
        raise ReportFormatError(
            _("No weekly report section was recognised, such as “## 【O1 业务服务】” or “## 收获与反思”.")
        )
    report = ParsedReport(week=week)
    for block in blocks:
        _read_block(report, block)
    report.figures = [
        figure for figure in _dedupe(report.figures, report.warnings) if not _refused(figure, report.warnings)
    ]
    return report


def _refused(figure: Figure, warnings: list[str]) -> bool:
    reason = unstorable(figure)
    if reason:
        warnings.append(reason)
    return bool(reason)


def _read_block(report: ParsedReport, block: Block) -> None:
    title = block.title or ""
    kind = section_kind(title) if block.title is not None else "narrative"
    if kind == "incidents":
        _read_incidents(report, block.lines)
    elif kind == "other":
        report.other = _append(report.other, join(block.lines))
    elif kind == "reflections":
        report.reflections = _append(report.reflections, join(block.lines))
    elif kind == "plans":
        report.plans.extend(text for _number, text in split_items(block.lines))
    elif kind == "todos":
        report.todos.extend(Todo(text, "") for _number, text in split_items(block.lines))
    elif kind == "okr":
        _read_okr(report, title, block.lines)
    else:
        _read_narrative(report, title, block.lines)


def _append(existing: str, more: str) -> str:
    return f"{existing}\n\n{more}" if existing and more else existing or more


def split_items(lines: list[str]) -> list[tuple[int | None, str]]:
    """Numbered (or bulleted) items at the base indentation, each with its indented sub-lines."""
    items: list[tuple[int | None, list[str]]] = []
    for line in dedent(lines):
        if not line.strip():
            continue
        if indent_of(line) == 0 or not items:
            match = ITEM.match(line.strip())
            bullet = BULLET.match(line.strip())
            if match:
                items.append((int(match.group("number")), [match.group("text")]))
            else:
                items.append((None, [bullet.group("text") if bullet else line.strip()]))
        else:
            items[-1][1].append(line)
    return [(number, "\n".join(text_lines)) for number, text_lines in items]


def _read_narrative(report: ParsedReport, title: str, lines: list[str]) -> None:
    lines = dedent(lines)
    for index, line in enumerate(lines):
        todo = TODO_START.match(normalize(line).strip()) if line.strip() and indent_of(line) == 0 else None
        if todo:
            rest = todo.group("rest").strip()
            items = split_items(([rest] if rest else []) + lines[index + 1 :])
            report.todos.extend(Todo(text, title) for _number, text in items)
            lines = lines[:index]
            break
    report.sections.append(Section(title=title, body=_take_figures(report, title, lines)))


def _take_figures(report: ParsedReport, group: str, lines: list[str]) -> str:
    """Collect the KPI figures of narrative lines; the exporter's own KPI lines leave the narrative."""
    body: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        canonical = parse_canonical(line, group) if line.strip() and indent_of(line) == 0 else None
        if canonical:
            note_lines = []
            while index + 1 < len(lines) and lines[index + 1].strip() and indent_of(lines[index + 1]) > 0:
                index += 1
                note_lines.append(lines[index])
            canonical.note = join(note_lines)
            canonical.name = line.strip().rsplit(" ", 1)[0].strip() or canonical.name
            if _refused(canonical, report.warnings):
                body.extend([line, *note_lines])  # not stored as data, so it stays in the narrative
            else:
                report.figures.append(canonical)
        else:
            body.append(line)
            if line.strip():
                report.figures.extend(figures_in_line(line, group))
        index += 1
    return join(body)


def _read_okr(report: ParsedReport, title: str, lines: list[str]) -> None:
    match = OKR_TITLE.match(normalize(title).strip())
    okr = OkrSection(code=match.group("code").upper(), title=match.group("title").strip())
    group = title
    body: list[str] = []
    current: list[str] | None = None
    raw_items: list[tuple[int, list[str]]] = []
    for line in dedent(lines):
        if not line.strip():
            (current if current is not None else body).append("")
            continue
        if indent_of(line) == 0:
            item = ITEM.match(line)
            if item:
                current = [item.group("text")]
                raw_items.append((int(item.group("number")), current))
                continue
            current = None
        if current is not None:
            current.append(line)
        else:
            body.append(line)
    for number, item_lines in raw_items:
        lines = [line for line in item_lines if line.strip()]
        okr.items.append(_okr_item(number, lines, report.week, report.warnings))
    report.sections.append(Section(title=title, body=_take_figures(report, group, body), okr=okr))


def _okr_item(number: int, lines: list[str], week: IsoWeek, warnings: list[str]) -> OkrItem:
    progress = eta = None
    status = STATUS_LINE.match(normalize(lines[-1]).strip()) if len(lines) > 1 and lines[-1].strip() else None
    stated = Decimal(status.group("progress")) if status and status.group("progress") else None
    # A status line whose progress cannot be stored stays in the item's text, where the warning points.
    if status and (stated is None or 0 <= stated <= 100):
        lines = lines[:-1]
        progress = stated
        if status.group("eta"):
            eta = _date(*(int(part) for part in status.group("eta").split("-")))
    text = "\n".join(lines)
    flat = normalize(text)
    if progress is None:
        progress = _progress(flat)
        stated = PROGRESS.search(flat)
        if progress is None and stated and not 0 <= Decimal(stated.group("value")) <= 100:
            warnings.append(
                _("Item %(number)s states progress %(progress)s%%, outside 0–100; it is kept as text.")
                % {"number": number, "progress": stated.group("value")}
            )
    if eta is None:
        eta = _eta(flat, week)
    if progress is not None and progress != progress.quantize(PROGRESS_STEP):
        # Stored with two places: compared unrounded, every re-import would be a change. Rounded
        # down, so 99.999% never reads as done; the text keeps what was written.
        progress = progress.quantize(PROGRESS_STEP, rounding=ROUND_DOWN)
    title_match = FIRST_CLAUSE.match(normalize(lines[0]).strip())
    title = (title_match.group(0) if title_match else lines[0]).strip()[:100] or lines[0].strip()[:100]
    return OkrItem(number=number, title=title, text=text, progress=progress, eta=eta)


def _progress(text: str) -> Decimal | None:
    match = PROGRESS.search(text)
    if not match:
        percents = ANY_PERCENT.findall(text)
        if len(percents) != 1:
            return None
        value = Decimal(percents[0])
    else:
        value = Decimal(match.group("value"))
    return value if 0 <= value <= 100 else None


def _date(year: int, month: int, day: int) -> dt.date | None:
    if not in_years(year):
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _eta(text: str, week: IsoWeek) -> dt.date | None:
    if match := ETA_ISO.search(text):
        return _date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    if match := ETA_SHORT.search(text):
        year = (week.monday + dt.timedelta(days=3)).year
        day = _date(year, int(match.group("m")), int(match.group("d")))
        # "预计1/5" written in late December means the coming January.
        if day and day < week.monday - dt.timedelta(days=180):
            day = _date(year + 1, day.month, day.day)
        return day
    return None


def _read_incidents(report: ParsedReport, lines: list[str]) -> None:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    intro: list[str] = []
    entries: list[tuple[dt.datetime, list[str], str]] = []
    for line in dedent(lines):
        match = INCIDENT_START.match(normalize(line).strip()) if indent_of(line) == 0 else None
        started = None
        if match:
            try:
                started = dt.datetime(
                    int(match.group("y")), int(match.group("m")), int(match.group("d")),
                    int(match.group("H")), int(match.group("M")), tzinfo=zone,
                )  # fmt: skip
            except ValueError:
                started = None
        if started is not None:
            rest = match.group("rest").strip()
            entries.append((started, [rest] if rest else [], line.strip()))
        elif entries:
            entries[-1][1].append(line)
        else:
            intro.append(line)
    for started, text_lines, heading in entries:
        text = join(text_lines)
        if not in_years(started.year) or IsoWeek.from_date(started.date()) != report.week:
            report.warnings.append(
                _("The event of %(time)s is outside %(week)s; it is kept as text.")
                % {"time": heading, "week": report.week}
            )
            intro.extend(["", heading, *text.splitlines()])
            continue
        report.incidents.append(_incident(started, text, report.warnings))
    report.incidents_intro = _append(report.incidents_intro, join(intro))


def _incident(started: dt.datetime, text: str, warnings: list[str]) -> IncidentEntry:
    flat = normalize(text)
    resolved = None
    for match in RESOLVED.finditer(flat):
        candidate = started.replace(hour=int(match.group("H")) % 24, minute=int(match.group("M")) % 60)
        if candidate >= started:
            resolved = candidate
    title_match = FIRST_CLAUSE.match(text.strip().splitlines()[0]) if text.strip() else None
    title = (title_match.group(0).strip() if title_match else "") or text.strip()[:80] or "生产事件"
    if "回滚" in flat:
        kind = Incident.Kind.CHANGE
    elif re.search(r"使用率|扩容|容量|水位", flat):
        kind = Incident.Kind.RISK
    else:
        kind = Incident.Kind.INCIDENT
    impact = IMPACT.search(flat)
    count = int(impact.group("count")) if impact else None
    if count is not None and count > MAX_COUNT:
        warnings.append(
            _("The event of %(time)s states %(count)s failures, more than can be stored; kept as text.")
            % {"time": f"{started:%Y-%m-%d %H:%M}", "count": impact.group("count")}
        )
        count = None
    return IncidentEntry(
        started_at=started,
        text=text,
        title=title[:300],
        kind=kind,
        resolved_at=resolved,
        impact_count=count,
    )


def _dedupe(figures: list[Figure], warnings: list[str]) -> list[Figure]:
    """One figure per name: the exporter's own lines win; free text that disagrees with itself is dropped."""
    by_key: dict[str, Figure] = {}
    ambiguous: set[str] = set()
    for figure in figures:
        key = name_key(figure.name)
        known = by_key.get(key)
        if known is None or (figure.canonical and not known.canonical):
            by_key[key] = figure
        elif known.canonical and not figure.canonical:
            continue
        elif known.value != figure.value:
            ambiguous.add(key)
        elif known.previous is None:
            known.previous = figure.previous
    for key in sorted(ambiguous):
        warnings.append(
            _("“%(name)s” is stated with different values; it is kept as text only.")
            % {"name": by_key[key].name}
        )
    return [figure for key, figure in by_key.items() if key not in ambiguous]
