"""Production events written as a Markdown table: one row an event, the header says which cell is what.

`| 时间 | 级别 | 描述 | 影响 | 恢复 |`, `| 日期 | 开始 | 结束 | 类型 | … |`,
`| Time | Severity | What | Impact |`:
each row becomes the `- 时间：…` field lines the event reader already knows, so a table and a list of
fields are read by one grammar. A table without a time column holds no events and stays text.
"""

from __future__ import annotations

import re

from documents.importer.figures import normalize
from documents.importer.kpi_tables import is_table_row, table_cells

# First match wins: `恢复时间` is the end, not the start, though it holds 时间.
COLUMNS = [
    ("日期", re.compile(r"日期|date|day", re.IGNORECASE)),
    ("恢复时间", re.compile(r"恢复|结束|end|resolved|recover", re.IGNORECASE)),
    ("时间", re.compile(r"时间|开始|发生|time|start|when", re.IGNORECASE)),
    ("类型", re.compile(r"类型|性质|类别|type|kind", re.IGNORECASE)),
    ("级别", re.compile(r"级别|等级|定级|grade|level|sev", re.IGNORECASE)),
    ("影响", re.compile(r"影响|impact", re.IGNORECASE)),
    ("原因", re.compile(r"原因|根因|cause", re.IGNORECASE)),
    ("发现方式", re.compile(r"发现|detect|found", re.IGNORECASE)),
    ("处置", re.compile(r"处置|处理|措施|action", re.IGNORECASE)),
    (
        "描述",
        re.compile(
            r"描述|现象|事件|内容|标题|问题|经过|说明|description|summary|title|what|symptom|issue|event",
            re.IGNORECASE,
        ),
    ),
]
SEPARATOR = re.compile(r"^\|?\s*:?-{2,}")
EMPTY = re.compile(r"^[-—–/\s]*$")


def _columns(header: str) -> list[tuple[str | None, str]]:
    """Each column's field name, or None, with its header as written."""
    names = []
    for start, end in table_cells(header):
        written = header[start:end].strip().strip("*").strip()
        text = normalize(written)
        names.append((next((key for key, pattern in COLUMNS if pattern.search(text)), None), written))
    return names


def table_events(rows: list[str]) -> list[tuple[str, list[str]]] | None:
    """Each data row with its field lines, or None when the table names no time of day."""
    if len(rows) < 2:
        return None
    columns = _columns(rows[0])
    if "时间" not in [key for key, _written in columns]:
        return None
    events = []
    for row in rows[1:]:
        if SEPARATOR.match(row.strip()):
            continue
        values, others = {}, []
        for (key, written), (start, end) in zip(columns, table_cells(row), strict=False):
            value = row[start:end].strip()
            if EMPTY.match(value):
                continue
            if key and key not in values:
                values[key] = value
            else:
                # A column no field names (`状态`, `Status`, `负责人`) is kept under its header: the event's
                # text holds it, and what it says (`已恢复，监控发现`) is read like any other text.
                others.append(f"- {written}：{value}" if written else f"- {value}")
        if "时间" not in values:
            continue
        when = f"{values.pop('日期')} {values['时间']}" if "日期" in values else values["时间"]
        lines = [f"- 时间：{when}"]
        lines.extend(f"- {key}：{value}" for key, value in values.items() if key != "时间")
        events.append((row.strip(), lines + others))
    return events


def table_runs(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of table rows."""
    runs, index = [], 0
    while index < len(lines):
        if is_table_row(lines[index]):
            end = index
            while end < len(lines) and is_table_row(lines[end]):
                end += 1
            runs.append((index, end))
            index = end
        else:
            index += 1
    return runs
