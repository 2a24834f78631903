"""Key results laid out as a table under an objective: `| KR | 进度 | 说明 |`, a row per key result.

A row becomes the text a key result is written with in a list (`对公收佣：进度：75%；说明：联调`), so one
reader takes its name and progress; a table without a progress column is left as text.
"""

from __future__ import annotations

import re
import unicodedata

from documents.importer.kpi_tables import is_table_row, table_cells

# `Chargeback rate below 0.1% — 60%`: a percentage ending the line after a dash, bar or colon is the
# progress, even when the name holds a percentage of its own.
PROGRESS_AT_END = re.compile(
    r"(?:\s[-—–|]{1,2}|[:：])\s*(?P<value>\d{1,3}(?:\.\d+)?)\s*%\s*"
    r"(?:[\u2600-\u27bf\u2b00-\u2bff\U0001f300-\U0001faff\ufe0f]\s*)*$"
)
PROGRESS_HEADER = re.compile(r"进度|完成度|完成率|progress", re.IGNORECASE)


def progress_at_end(line: str) -> tuple[str, str] | None:
    """The name before a progress that ends a key result's line, and the progress; None when none ends it."""
    match = PROGRESS_AT_END.search(line)
    return (line[: match.start()].strip(), match["value"]) if match else None


def _cells(row: str) -> list[str]:
    return [row[start:end].strip() for start, end in table_cells(row)]


def key_result_tables(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines without their key-result tables, and one key result's text per row of those tables."""
    kept: list[str] = []
    items: list[str] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and is_table_row(lines[end]):
            end += 1
        if end - index >= 3 and (rows := _rows(lines[index:end])) is not None:
            items.extend(rows)
            index = end
            continue
        kept.extend(lines[index : max(end, index + 1)])
        index = max(end, index + 1)
    return kept, items


def _rows(rows: list[str]) -> list[str] | None:
    header = [unicodedata.normalize("NFKC", name).strip("* ") for name in _cells(rows[0])]
    if not any(PROGRESS_HEADER.search(name) for name in header[1:]):
        return None
    items = []
    for row in rows[2:]:
        cells = _cells(row)
        if not cells or not cells[0]:
            continue
        rest = [f"{name}：{cell}" for name, cell in zip(header[1:], cells[1:], strict=False) if cell]
        items.append(f"{cells[0]}：{'；'.join(rest)}" if rest else cells[0])
    return items
