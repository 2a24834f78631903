"""A recognised figure in kept prose points at its KPI value, so each figure is stated once, from the data.

The importer turns `需求交付数减少**↓10.54%（313→280）**` into
`需求交付数减少**↓10.54%（[313](kpi:7/previous)→[280](kpi:7)）**`: the prose stays as written, the numbers
become references. The document (report.md, the print and department pages) writes the KPI's stored
value in their place, so a later correction in the form shows everywhere, and the generated KPI line is
left out for a KPI the prose already states. Elsewhere a reference renders as its text: a link to the
unknown `kpi:` scheme loses its target when the Markdown is cleaned.
"""

from __future__ import annotations

import re
from decimal import Decimal

from common.formatting import format_number
from documents.importer.kpi_tables import aligned_table_end, figures_in_table, is_table_row
from documents.importer.recognise import figures_in_line

TOKEN = re.compile(r"\[(?P<text>[^\[\]\n]*)\]\(kpi:(?P<id>\d+)(?P<previous>/previous)?\)")


def _replace(line: str, figures, accepted: dict[int, Decimal]) -> str:
    spans = []
    for figure in figures:
        if figure.kpi_id is None or accepted.get(figure.kpi_id) != figure.value:
            continue
        for start, end, role in figure.spans:
            suffix = "/previous" if role == "previous" else ""
            spans.append((start, end, f"(kpi:{figure.kpi_id}{suffix})"))
    for start, end, target in sorted(spans, reverse=True):
        line = f"{line[:start]}[{line[start:end]}]{target}{line[end:]}"
    return line


def tokenise(body: str, group: str, catalogue, accepted: dict[int, Decimal], week_number: int) -> str:
    """The body with each accepted figure's value (and stated previous value) made a reference."""
    if not accepted or not body:
        return body
    lines = body.split("\n")
    result = list(lines)
    index = 0
    while index < len(lines):
        if is_table_row(lines[index]):
            end = index
            while end < len(lines) and is_table_row(lines[end]):
                end += 1
            rows = lines[index:end]
            for row, figures in figures_in_table(rows, group, catalogue, week_number).items():
                result[index + row] = _replace(rows[row], figures, accepted)
            index = end
            continue
        if end := aligned_table_end(lines, index, week_number):
            rows = lines[index:end]
            for row, figures in figures_in_table(rows, group, catalogue, week_number, aligned=True).items():
                result[index + row] = _replace(rows[row], figures, accepted)
            index = end
            continue
        line = lines[index]
        if line.strip() and not TOKEN.search(line):
            result[index] = _replace(line, figures_in_line(line, group, catalogue), accepted)
        index += 1
    return "\n".join(result)


def referenced(text: str) -> set[int]:
    """The KPIs whose value the text states through a reference."""
    return {int(match["id"]) for match in TOKEN.finditer(text or "") if not match["previous"]}


def fill(text: str, current: dict, previous: dict) -> str:
    """References replaced by the stored values ({kpi id: KPIValue}); a missing value keeps its text."""

    def value(match: re.Match) -> str:
        stored = (previous if match["previous"] else current).get(int(match["id"]))
        if stored is None or stored.value is None:
            return match["text"]
        return format_number(stored.value, stored.kpi.decimals)

    return TOKEN.sub(value, text or "")


def strip(text: str) -> str:
    """References replaced by the text they were written with."""
    return TOKEN.sub(lambda match: match["text"], text or "")
