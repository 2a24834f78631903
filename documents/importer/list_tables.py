"""A plans or TODO list laid out as a table: `| 事项 | Owner | 截止 |`, a row per item.

Each data row is one item: its first column (after a numbering column: `#`, `序号`, `No.`) is the item's
text and every other cell is kept under it with its column's header (`- Owner：张三`), as an event table's
columns are; the header and the separator row are the table's layout, not items. A table without a header
row gives each row as written, its cells apart.
"""

from __future__ import annotations

import re

from documents.importer.figures import normalize
from documents.importer.incident_tables import EMPTY, table_runs
from documents.importer.kpi_tables import table_cells

# `|---|:-:|`: one dash is enough in a cell of the separator row.
SEPARATOR = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$")
NUMBERING = re.compile(r"^(?:#|no\.?|序号|编号|id)$", re.IGNORECASE)


def _cells(row: str) -> list[str]:
    return [row[start:end].strip() for start, end in table_cells(row.strip())]


def _items(rows: list[str]) -> list[str]:
    if len(rows) < 3 or not SEPARATOR.match(rows[1].strip()):
        return [f"- {' | '.join(cell for cell in _cells(row) if cell)}" for row in rows]
    headers = [cell.strip("*").strip() for cell in _cells(rows[0])]
    first = next((index for index, name in enumerate(headers) if not NUMBERING.match(normalize(name))), 0)
    items = []
    for row in rows[2:]:
        cells = _cells(row)
        if not any(cell for cell in cells if not EMPTY.match(cell)):
            continue
        text = cells[first] if first < len(cells) and cells[first] else " | ".join(cells)
        items.append(f"- {text}")
        for index, cell in enumerate(cells):
            if index == first or EMPTY.match(cell) or (index < first and NUMBERING.match(headers[index])):
                continue
            header = headers[index] if index < len(headers) else ""
            items.append(f"  - {header}：{cell}" if header else f"  - {cell}")
    return items


def rows_as_items(lines: list[str]) -> list[str]:
    """The lines with each table written as the list items its rows are."""
    result, index = [], 0
    for start, end in table_runs(lines):
        result.extend(lines[index:start])
        result.extend(_items(lines[start:end]))
        index = end
    return result + lines[index:]
