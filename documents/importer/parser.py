"""Parsing a weekly document into a ParsedReport. Plain functions; no database access."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from common.weeks import IsoWeek
from documents.importer.catalogue import Catalogue
from documents.importer.closings import sign_off
from documents.importer.figures import name_key, normalize, parse_canonical, unstorable
from documents.importer.incidents import read_incidents
from documents.importer.kinds import OKR_TITLE, section_kind
from documents.importer.kpi_tables import aligned_table_end, figures_in_table, is_table_row
from documents.importer.list_items import BULLET, ITEM, split_items
from documents.importer.okr_tables import key_result_tables, progress_at_end
from documents.importer.recognise import SCALE, figures_in_line
from documents.importer.setext import atx_headings
from documents.importer.stray_events import events_among, opens_entry
from documents.importer.structure import (
    Figure,
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
    split_blocks,
    split_lines,
    unruled,
)
from documents.importer.titles import title_note, title_words
from documents.importer.weeks import detect_week

TODO_START = re.compile(r"^\**\s*TODO\s*[:：]?\s*\**\s*(?P<rest>.*)$", re.IGNORECASE)
PROGRESS = re.compile(
    r"(?:进度|完成度|完成率|完成|progress)\s*[:：]?\s*(?P<value>\d+(?:\.\d+)?)\s*%", re.IGNORECASE
)
# What a progress says of last week: `60% → 70%` is now 70%; `55%（上周50%）` and `50% (was 40%)`
# are 55% and 50%.
# Each number is tried from its first digit only: tried inside a long run of digits, the search would take
# the square of its length.
PROGRESS_BEFORE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s*%\s*(?:→|->|=>)\s*(?=\d)")
# `80%（+10%）`: a signed change after a progress says how far it moved, not where it stands.
PROGRESS_CHANGE = re.compile(
    r"\(\s*(?:本周|环比|wow)?\s*[+\-↑↓]\s*\d+(?:\.\d+)?\s*(?:%|pp)\s*\)", re.IGNORECASE
)
PROGRESS_LAST = re.compile(r"\(\s*(?:上周|上期|prev(?:ious)?|was|last\s*week)[^()]{0,20}\)", re.IGNORECASE)
# A bracket holding a percentage is progress, not part of the key result's name: `房屋交付（75%）`; so are
# a progress bar and a square bracket before a trailing percentage (`新银收入 ██████░░░░ 60%`, `迁移 [45%]`).
PROGRESS_BAR = "█▉▊▋▌▍▎▏▓▒░■□▰▱"
TITLE_PERCENT = re.compile(
    rf"\s*+\([^()]{{0,20}}%[^()]{{0,20}}\)|[\s\-—~\[{PROGRESS_BAR}]*+(?<![\d.])\d++(?:\.\d+)?\s*+%.*$"
)
UNCLOSED = re.compile(r"\s*\([^()]*$|\s+(?:进度|完成度|完成率|progress)$", re.IGNORECASE)
ANY_PERCENT = re.compile(r"(?<![\d.])(?P<value>\d+(?:\.\d+)?)\s*%")
# `预计2025-11-30`, and as a field: `ETA: 2025-11-30`, `Due: 2025-11-30`, `截止：2025-11-30`.
ETA_ISO = re.compile(
    r"(?:预计|截止(?:日期|时间)?\s*[:：]|(?<![A-Za-z])(?:ETA|due(?:\s+date)?|target\s+date)\s*[:：]?)\s*"
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})",
    re.IGNORECASE,
)
ETA_SHORT = re.compile(r"预计\s*[是于在]?\s*(?P<m>\d{1,2})\s*[/月.]\s*(?P<d>\d{1,2})(?!\d)")
STATUS_LINE = re.compile(
    r"^(?:进度(?P<progress>\d+(?:\.\d+)?)%(?:\([^)]*\))?)?\s*(?:·\s*)?(?:预计(?P<eta>\d{4}-\d{2}-\d{2}))?$"
)
FIRST_CLAUSE = re.compile(r"^[^:,;。，；：—|｜]+")
PROGRESS_STEP = Decimal("0.01")  # KeyResultUpdate.progress has two decimal places
# `KR1`, and with its objective (`O1-KR1`, `O1.KR2`, `O1 KR3`), or numbered in it (`KR1.2`).
KR_PREFIX = re.compile(r"^(?:O\d{1,2}\s*[-_./]?\s*)?KR\s*\d{1,2}(?:\.\d{1,2})?\s*[:：.、]?\s*", re.IGNORECASE)
# `✅ 对公收佣`, `🟡 芝麻免押`, `[x] …`: a status mark before a key result is not part of its name.
STATUS_MARK = re.compile(r"^(?:[\u2600-\u27bf\u2b00-\u2bff\U0001f300-\U0001faff\ufe0f\u200d]|\[[ xX]\])+\s*")
OKR_CONTAINER = re.compile(r"OKR|目标与关键结果", re.IGNORECASE)


NUMERAL_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|\([一二三四五六七八九十]{1,3}\))\s*")


def parse_document(
    text: str, week: IsoWeek | None = None, catalogue: Catalogue | None = None
) -> ParsedReport:
    """Read a weekly document; raise ReportFormatError with a user-facing reason if we cannot.

    `week` overrides the week the document names (the user changed it in the preview); `catalogue`
    is the team's KPIs, which decide what each figure is.
    """
    lines = atx_headings(split_lines(check_text(text)))
    first_line = next((line.strip() for line in lines if line.strip()), "")
    found, source, title_index = detect_week(lines)
    warnings = []
    title_line = title_said = ""
    if title_index is not None:
        title_line = lines[title_index]
        lines = lines[:title_index] + lines[title_index + 1 :]
        if title_said := title_words(title_line):
            warnings.append(title_note(title_line, title_said))
    if found and week and found != week:
        warnings.append(
            _("The document names %(found)s; it is read as %(week)s, as you chose.")
            % {"found": found, "week": week}
        )
    if week is None and found is None:
        raise ReportFormatError(
            _(
                "The document has no week title such as “# 2024-W33” or “第33周”, nor a “Created:” line; "
                "give the week."
            )
        )
    report = ParsedReport(
        week=week or found,
        week_source="given" if week else source,
        warnings=warnings,
        title=first_line,
        title_line=title_line,
        title_words=title_said,
    )
    check_week(report.week)
    blocks = split_blocks(
        lines, keeps_subheadings=lambda title: section_kind(title) == "incidents", opens_entry=opens_entry
    )
    if not any(block.title for block in blocks):
        raise ReportFormatError(
            _("No weekly report section was recognised, such as “## 【O1 业务服务】” or “## 收获与反思”.")
        )
    report.catalogue = catalogue or Catalogue()
    for block in blocks:
        _read_block(report, block)
    report.sections = [
        section
        for section in report.sections
        if section.body.strip() or section.okr or not OKR_CONTAINER.search(section.title)
    ]
    _previous_of_other_weeks(report)
    report.figures = [
        figure for figure in _dedupe(report.figures, report.warnings) if not _refused(figure, report.warnings)
    ]
    report.warnings.extend(_scale_warnings(report))
    return report


def _scale_warnings(report: ParsedReport) -> list[str]:
    """A KPI's amount written in another scale (2.65亿元 for a KPI in 万元) is left apart, never converted
    silently: say so, or the user sees only a figure no KPI takes."""
    warnings = []
    for figure in report.unplaced_figures:
        kpi = report.catalogue.match(figure.label or figure.name)
        if kpi is None or figure.unit_label not in SCALE:
            continue
        if SCALE[figure.unit_label] == SCALE.get(kpi.unit_label, 0):
            continue
        stated = {
            "label": (figure.label or figure.name).rstrip(" :："),
            "value": figure.value,
            "unit": figure.unit_label,
            "name": kpi.name,
            "kpi_unit": kpi.unit_label,
        }
        if kpi.unit_label:
            message = _(
                "“%(label)s” states %(value)s %(unit)s; the KPI “%(name)s” is kept in %(kpi_unit)s, "
                "so the figure is not converted and stays as text."
            )
        else:
            message = _(
                "“%(label)s” states %(value)s %(unit)s; the KPI “%(name)s” is kept in plain units, "
                "so the figure is not converted and stays as text."
            )
        warnings.append(message % stated)
    return warnings


def _previous_of_other_weeks(report: ParsedReport) -> None:
    """A bracket that names its week (`（W16：99.990%）`) gives last week's value only if that week is the one
    before the report's; another week's value is left in the text as written, and the user told why."""
    expected = report.week.previous()
    for figure in report.figures:
        if figure.previous_week is None:
            continue
        year, number = figure.previous_week
        if number == expected.number and year in (None, expected.year):
            continue
        figure.previous, figure.previous_source = None, ""
        figure.spans = [span for span in figure.spans if span[2] != "previous"]
        stated = f"W{number:02d}" if year is None else f"{year}-W{number:02d}"
        report.warnings.append(
            _(
                "“%(name)s”: the value in brackets is of %(stated)s, not of last week (%(expected)s); "
                "it is not taken as last week's value."
            )
            % {"name": figure.name, "stated": stated, "expected": expected}
        )


def _refused(figure: Figure, warnings: list[str]) -> bool:
    reason = unstorable(figure)
    if reason:
        warnings.append(reason)
    return bool(reason)


def _read_block(report: ParsedReport, block: Block) -> None:
    title = block.title or ""
    kind = section_kind(title) if block.title is not None else "narrative"
    if kind == "incidents":
        # A sign-off ending the events closes the message, as one ending the plans does: it goes with 其他.
        lines, closing = sign_off(title, unruled(block.lines), report.warnings, events=True)
        report.other = _append(report.other, join(closing))
        incidents, intro = read_incidents(lines, report.week, report.warnings)
        report.incidents.extend(incidents)
        report.incidents_intro = _append(report.incidents_intro, intro)
    elif kind == "other":
        report.other = _append(report.other, join(block.lines))
    elif kind == "reflections":
        report.reflections = _append(report.reflections, join(block.lines))
    elif kind in ("plans", "todos"):
        # A sign-off ending the list is no item; kept with 其他, where the document's loose text goes.
        lines, closing = sign_off(title, unruled(block.lines), report.warnings)
        report.other = _append(report.other, join(closing))
        items = split_items(lines)
        if kind == "plans":
            report.plans_done.update(
                len(report.plans) + index for index, item in enumerate(items) if item.done
            )
            report.plans.extend(item.text for item in items)
        else:
            report.todos.extend(Todo(item.text, "", item.done) for item in items)
    elif kind == "okr":
        _read_okr(report, title, block.lines)
    elif OKR_CONTAINER.search(title) and (objectives := _objective_bullets(block.lines)):
        lead, parts = objectives
        if any(line.strip() for line in lead):
            _read_narrative(report, title, lead)
        for objective, lines in parts:
            _read_okr(report, objective, lines)
    elif kind == "risks":
        incidents, lines = events_among(title, block.lines, report.week, report.warnings)
        report.incidents.extend(incidents)
        _read_narrative(report, title, lines)
    else:
        _read_narrative(report, title, block.lines)


def _objective_bullets(lines: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]] | None:
    """`- O1 业务服务` bullets of an OKR section, each with the key results indented under it; None when
    the section has no such bullet."""
    lead: list[str] = []
    parts: list[tuple[str, list[str]]] = []
    for line in dedent(lines):
        bullet = BULLET.match(line) if line.strip() and indent_of(line) == 0 else None
        title = re.sub(r"\*\*", "", bullet.group("text")).strip() if bullet else ""
        if bullet and re.match(r"^[Oo]\d{1,2}(?:\s|[:：.、]|$)", normalize(title)):
            parts.append((title, []))
        elif parts:
            parts[-1][1].append(line)
        else:
            lead.append(line)
    return (lead, parts) if parts else None


def _append(existing: str, more: str) -> str:
    return f"{existing}\n\n{more}" if existing and more else existing or more


def _read_narrative(report: ParsedReport, title: str, lines: list[str]) -> None:
    lines = dedent(lines)
    for index, line in enumerate(lines):
        todo = TODO_START.match(normalize(line).strip()) if line.strip() and indent_of(line) == 0 else None
        if todo:
            rest = todo.group("rest").strip()
            todo_lines, closing = sign_off(
                title, unruled(([rest] if rest else []) + lines[index + 1 :]), report.warnings
            )
            report.todos.extend(Todo(item.text, title, item.done) for item in split_items(todo_lines))
            lines = lines[:index] + ([""] + closing if closing else [])
            break
    report.sections.append(Section(title=title, body=_take_figures(report, title, lines)))


def _take_figures(report: ParsedReport, group: str, lines: list[str]) -> str:
    """Collect the KPI figures of narrative lines; the exporter's own KPI lines leave the narrative."""
    body: list[str] = []
    catalogue, warnings = report.catalogue, report.warnings
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
            kpi = catalogue.by_name(canonical.name) or catalogue.match(canonical.name)
            canonical.kpi_id = kpi.id if kpi else None
            canonical.label = canonical.name
            if kpi:
                canonical.name = kpi.name
            if _refused(canonical, report.warnings):
                body.extend([line, *note_lines])  # not stored as data, so it stays in the narrative
            else:
                report.figures.append(canonical)
        elif is_table_row(line):
            end = index
            while end < len(lines) and is_table_row(lines[end]):
                end += 1
            rows = lines[index:end]
            found_rows = figures_in_table(rows, group, catalogue, report.week.number, warnings=warnings)
            for found in found_rows.values():
                report.figures.extend(found)
            body.extend(rows)
            index = end
            continue
        elif end := aligned_table_end(lines, index, report.week.number):
            rows = lines[index:end]
            found_rows = figures_in_table(rows, group, catalogue, report.week.number, True, warnings)
            for found in found_rows.values():
                report.figures.extend(found)
            body.extend(rows)
            index = end
            continue
        else:
            body.append(line)
            if line.strip():
                report.figures.extend(figures_in_line(line, group, catalogue))
        index += 1
    return join(body)


def _read_okr(report: ParsedReport, title: str, lines: list[str]) -> None:
    match = OKR_TITLE.match(NUMERAL_PREFIX.sub("", normalize(title).strip()))
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
            bullet = BULLET.match(line)
            text = bullet.group("text") if bullet else ""
            if not bullet and KR_PREFIX.match(normalize(line)):
                text = line.strip()  # `KR1 对公收佣：90%` on a line of its own, with no list mark
            # Under an objective a bullet that states a progress is a key result, however it says it.
            if text and (
                KR_PREFIX.match(text) or (bullet and _states_progress(text, group, report.catalogue))
            ):
                current = [text]
                raw_items.append((len(raw_items) + 1, current))
                continue
            current = None
        if current is not None:
            current.append(line)
        else:
            body.append(line)
    body, rows = key_result_tables(body)
    raw_items.extend((len(raw_items) + 1, [row]) for row in rows)
    for number, item_lines in raw_items:
        lines = [line for line in item_lines if line.strip()]
        okr.items.append(_okr_item(number, lines, report.week, report.warnings))
    report.sections.append(Section(title=title, body=_take_figures(report, group, body), okr=okr))


def _states_progress(text: str, group: str, catalogue: Catalogue) -> bool:
    """A bullet under an objective is a key result when it says a progress and names no KPI's figure."""
    if PROGRESS.search(normalize(text)):
        return True
    if _progress(normalize(text)) is None:
        return False
    return not any(figure.placed for figure in figures_in_line(text, group, catalogue))


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
    first = KR_PREFIX.sub("", STATUS_MARK.sub("", normalize(lines[0]).strip()))
    ending = progress_at_end(first)
    if progress is None:
        progress = _progress(flat)
        if progress is None and ending and Decimal(ending[1]) <= 100:
            progress = Decimal(ending[1])
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
    if ending and len(ANY_PERCENT.findall(first)) > 1:
        first = ending[0]  # the name keeps its own percentage: `Chargeback rate below 0.1%`
        title_match = FIRST_CLAUSE.match(first)
        title = (title_match.group(0) if title_match else first).strip()[:100] or lines[0].strip()[:100]
        return OkrItem(number=number, title=title, text=text, progress=progress, eta=eta)
    title_match = FIRST_CLAUSE.match(first)
    title = (title_match.group(0) if title_match else first).strip()
    # `对公收佣（进度：80%）`, `对公收佣 进度：75%` are cut at the colon: what is left of the progress
    # (an open bracket, the word 进度) is not part of the name.
    title = UNCLOSED.sub("", TITLE_PERCENT.sub("", title)).strip()[:100] or lines[0].strip()[:100]
    return OkrItem(number=number, title=title, text=text, progress=progress, eta=eta)


def _progress(text: str) -> Decimal | None:
    text = PROGRESS_CHANGE.sub("", PROGRESS_LAST.sub("", PROGRESS_BEFORE.sub("", text)))
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


def _dedupe(figures: list[Figure], warnings: list[str]) -> list[Figure]:
    """One figure per KPI: the exporter's own lines win; free text that disagrees with itself is dropped."""
    by_key: dict = {}
    ambiguous: set = set()
    for figure in figures:
        key = figure.kpi_id if figure.kpi_id is not None else name_key(figure.name)
        known = by_key.get(key)
        if known is None or (figure.canonical and not known.canonical):
            by_key[key] = figure
        elif known.canonical and not figure.canonical:
            continue
        elif known.value != figure.value:
            ambiguous.add(key)
        elif known.previous is None and figure.previous is not None:
            known.previous, known.previous_source = figure.previous, figure.previous_source
    for key in ambiguous:
        warnings.append(
            _("“%(name)s” is stated with different values; it is kept as text only.")
            % {"name": by_key[key].name}
        )
    return [figure for key, figure in by_key.items() if key not in ambiguous]
