"""KPI figures in Markdown tables, as people lay them out.

Most tables have a row per KPI and a column for this week (`本周`, `本期`, `W17`, `this week`) and one for
last week; the KPI's cell may follow a grouping column. Some turn it round: a column per KPI and a row per
week (`| 周 | 入金有效成功率 | … |` with rows `W16`, `W17`). Either way a cell is read as a figure only when
the catalogue names its KPI, and a value keeps its position in the row, so the writer can make it a
reference to the KPI's value.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from documents.importer.catalogue import Catalogue, KpiRef
from documents.importer.figures import places, to_decimal
from documents.importer.recognise import AFTER_VALUE, RANGE_AFTER, SINCE_CHANGE, LineReader, direction, fits
from documents.importer.structure import Figure

CURRENT_HEADER = re.compile(r"本周|本期|当周|本月|this week|current", re.IGNORECASE)
PREVIOUS_HEADER = re.compile(r"上周|上期|上月|last week|previous|prior|prev\b", re.IGNORECASE)
# `实际`, `Actual`: the value the week reached, beside its target, when no column says "this week".
ACTUAL_HEADER = re.compile(r"实际|actual", re.IGNORECASE)
# `环比`, `WoW`, `Δ`: the change since last week, which gives last week's value when no column states it.
CHANGE_HEADER = re.compile(r"环比|变化|增减|wow|w/w|change|diff|Δ", re.IGNORECASE)
WEEK_HEADER = re.compile(r"^(?:\d{4}\s*-?\s*)?W(?P<number>\d{1,2})$", re.IGNORECASE)
# `本周指标`, `this week's KPI`: a column of names, however its header is worded, is never a value column.
LABEL_HEADER = re.compile(r"指标|名称|项目|\bKPIs?\b|\bmetrics?\b", re.IGNORECASE)


def table_cells(line: str) -> list[tuple[int, int]]:
    """The (start, end) of each cell's text in a `| a | b |` row."""
    bars = [index for index, char in enumerate(line) if char == "|"]
    cells = []
    for left, right in zip(bars, bars[1:], strict=False):
        text = line[left + 1 : right]
        start = left + 1 + len(text) - len(text.lstrip())
        cells.append((start, start + len(text.strip())))
    return cells


# A table typed as plain text (an e-mail, a text file): columns lined up with two spaces or more.
ALIGNED_CELL = re.compile(r"\S+(?: \S+)*")
MAX_HEADER_CELL = 12  # a column's name, not a sentence


def aligned_cells(line: str) -> list[tuple[int, int]]:
    """The (start, end) of each cell of a row whose columns are lined up with spaces."""
    return [match.span() for match in ALIGNED_CELL.finditer(line)]


def aligned_table_end(lines: list[str], index: int, week_number: int | None) -> int | None:
    """Where a plain-text table opening at `index` ends: a header of lined-up columns, one of them this
    week's (`指标    本周    上周`), then its rows up to a blank line; None when no such table opens here."""
    header = lines[index]
    if not header.strip() or header[0] == " " or "|" in header or len(aligned_cells(header)) < 2:
        return None
    cells = aligned_cells(header)
    if any(end - start > MAX_HEADER_CELL for start, end in cells):
        return None
    columns = table_columns(header, week_number, aligned_cells)
    if columns is None:
        return None
    # This week's column is named in a word or two (`本周`, `本周值`, `This week`): `重点  本周完成了灰度切换`
    # is a sentence, not a row of column names.
    start, end = cells[columns[0]]
    if len(CURRENT_HEADER.sub("", unicodedata.normalize("NFKC", header[start:end])).strip()) > 3:
        return None
    end = index + 1
    while end < len(lines) and lines[end].strip() and len(aligned_cells(lines[end].strip())) >= 2:
        end += 1
    return end if end > index + 1 else None


def table_columns(header: str, week_number: int | None, cells=table_cells) -> tuple[int, int | None] | None:
    names = [header[a:b].strip() for a, b in cells(header)]
    current = previous = actual = None
    for index, name in enumerate(names[1:], start=1):
        if LABEL_HEADER.search(unicodedata.normalize("NFKC", name)):
            continue
        normal = unicodedata.normalize("NFKC", name).strip("* ")
        week = WEEK_HEADER.match(normal)
        if CURRENT_HEADER.search(normal) or (week and week_number and int(week["number"]) == week_number):
            current = index if current is None else current
        elif PREVIOUS_HEADER.search(normal) or week:
            previous = index if previous is None else previous
        elif ACTUAL_HEADER.search(normal):
            actual = index if actual is None else actual
    current = current if current is not None else actual
    if current is None:
        return None
    return current, previous


def figures_in_table(
    rows: list[str],
    group: str,
    catalogue: Catalogue,
    week_number: int | None,
    aligned: bool = False,
    warnings: list[str] | None = None,
) -> dict[int, list[Figure]]:
    """Figures of a table's rows, by row index; a row that names no KPI stays text. An `aligned` table
    (plain text, columns lined up with spaces) has no separator row under its header. A KPI's cell with
    a number that is not read as its value (`1.2k`, `3万` for a KPI kept in 笔) stays text too, and
    `warnings` says so."""
    if aligned:
        columns, split, first = table_columns(rows[0], week_number, aligned_cells), aligned_cells, 1
    else:
        columns, split, first = (table_columns(rows[0], week_number) if rows else None), table_cells, 2
    if columns is None:
        return {} if aligned else _by_week_rows(rows, group, catalogue, week_number, warnings)
    found: dict[int, list[Figure]] = {}
    current, previous = columns
    change = _change_column(rows[0], split)
    for index, row in enumerate(rows[first:], start=first):
        cells = split(row)
        if len(cells) <= current:
            continue
        label, kpi = _row_label(row, cells[:current], catalogue)
        if kpi is None:
            continue
        figure = _cell_figure(row, cells[current], kpi, label, group)
        if figure is None:
            _unread(row[cells[current][0] : cells[current][1]], kpi, warnings)
            continue
        if previous is not None and len(cells) > previous:
            _cell_previous(figure, row, cells[previous], kpi, group, with_span=True)
        elif change is not None and len(cells) > change:
            _cell_change(figure, row[cells[change][0] : cells[change][1]], group)
        found[index] = [figure]
    return found


def _by_week_rows(
    rows: list[str], group: str, catalogue: Catalogue, week_number: int | None, warnings: list[str] | None
) -> dict[int, list[Figure]]:
    """A table turned round: KPIs across the header, a row per week. Last week's row gives the previous
    value but keeps its text as written (a reference stands in the row of the figure it belongs to)."""
    if len(rows) < 3:
        return {}
    header = table_cells(rows[0])
    kpis = {index: catalogue.match(rows[0][a:b].strip("* ")) for index, (a, b) in enumerate(header) if index}
    kpis = {index: kpi for index, kpi in kpis.items() if kpi is not None}
    current = previous = None
    for index, row in enumerate(rows[2:], start=2):
        cells = table_cells(row)
        first = unicodedata.normalize("NFKC", row[cells[0][0] : cells[0][1]]).strip("* ") if cells else ""
        week = WEEK_HEADER.match(first)
        number = int(week["number"]) if week and week_number else None
        if CURRENT_HEADER.search(first) or number == week_number:
            current = index if current is None else current
        elif PREVIOUS_HEADER.search(first) or (number is not None and number == week_number - 1):
            previous = index if previous is None else previous
    if not kpis or current is None:
        return {}
    figures = []
    cells = table_cells(rows[current])
    before = table_cells(rows[previous]) if previous is not None else []
    for index, kpi in kpis.items():
        if index >= len(cells):
            continue
        label = rows[0][header[index][0] : header[index][1]]
        figure = _cell_figure(rows[current], cells[index], kpi, label, group)
        if figure is None:
            _unread(rows[current][cells[index][0] : cells[index][1]], kpi, warnings)
            continue
        if index < len(before):
            _cell_previous(figure, rows[previous], before[index], kpi, group, with_span=False)
        figures.append(figure)
    return {current: figures} if figures else {}


def _cell_figure(row: str, cell: tuple[int, int], kpi: KpiRef, label: str, group: str) -> Figure | None:
    reader = LineReader(row[cell[0] : cell[1]], group, Catalogue([kpi]))
    value = reader.first_value(reader.text)
    if value is None:
        return None
    after = reader.text[value.end() :]
    unit = AFTER_VALUE.match(after)
    if not fits(kpi, unit["unit"]):
        return None
    stated_range = RANGE_AFTER.match(after[unit.end() :])
    figure = Figure(
        name=kpi.name,
        value=to_decimal(value.group().replace(",", "")),
        unit=kpi.unit,
        unit_label=kpi.unit_label,
        decimals=places(value.group()),
        group=group,
        line=row.strip(),
        kpi_id=kpi.id,
        label=label.strip(),
        range_text=reader.text[value.start() : value.end() + unit.end() + stated_range.end()]
        if stated_range
        else "",
    )
    start, end, _role = reader.span(value.start(), value.end(), "value")
    figure.spans.append((cell[0] + start, cell[0] + end, "value"))
    return figure


def _unread(cell: str, kpi: KpiRef, warnings: list[str] | None) -> None:
    """Warn of a KPI's cell holding a number that was not read as its value; a dash or `N/A` is no figure."""
    if warnings is not None and any(char.isdigit() for char in cell):
        warnings.append(
            _("“%(name)s”: the table's value “%(cell)s” is not read as a figure of this KPI; kept as text.")
            % {"name": kpi.name, "cell": cell.strip()}
        )


def _change_column(header: str, cells) -> int | None:
    names = [unicodedata.normalize("NFKC", header[a:b]).strip("* ") for a, b in cells(header)]
    return next((index for index, name in enumerate(names) if index and CHANGE_HEADER.search(name)), None)


def _cell_change(figure: Figure, text: str, group: str) -> None:
    """Last week's value from a change column (`+7`, `-0.3pp`, `↑0.002pp`), by the rules a change in a
    sentence follows: a relative change (`+1.7%`) gives none."""
    reader = LineReader(text, group, Catalogue())
    if match := SINCE_CHANGE.match(reader.text):
        reader.apply_change(figure, direction(match), match["num"], match["unit"])


def _cell_previous(
    figure: Figure, row: str, cell: tuple[int, int], kpi: KpiRef, group: str, with_span: bool
) -> None:
    reader = LineReader(row[cell[0] : cell[1]], group, Catalogue([kpi]))
    stated = reader.first_value(reader.text)
    if stated is None:
        return
    figure.previous = to_decimal(stated.group().replace(",", ""))
    figure.previous_source = "stated"
    figure.decimals = max(figure.decimals, places(stated.group()))
    if with_span:
        start, end, _role = reader.span(stated.start(), stated.end(), "previous")
        figure.spans.append((cell[0] + start, cell[0] + end, "previous"))


def _row_label(row: str, cells: list[tuple[int, int]], catalogue: Catalogue) -> tuple[str, KpiRef | None]:
    """The KPI a row is about: its first cell before this week's column that names one, since a table
    may group its rows by a column before the KPI's (`| 稳定性 | 入金有效成功率 | … |`)."""
    for start, end in cells:
        label = row[start:end]
        if kpi := catalogue.match(label.strip("* ")):
            return label, kpi
    return "", None


def is_table_row(line: str) -> bool:
    return line.strip().startswith("|") and line.strip().endswith("|") and line.count("|") >= 3
