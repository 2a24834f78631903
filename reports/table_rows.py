"""The KPI values table's body rows written out in Python, for the list page.

django-tables2 renders each cell through its row machinery (an `inspect.signature` per cell, the
accessor's field looked up per cell, a template node per cell): 80 % of the KPI list's time for 50
rows. `row_html` prints what the `table.tbody.row` block of django_tables2/table.html printed for a
KPIValueTable row, character for character (tests/reports/test_kpi_table_rows.py renders both); the
table falls back to that block for any other set of columns.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.formatting import escape_html
from common.lists.rows import CELL, ROW_END, ROW_START

VISIBLE = (
    "team",
    "group",
    "kpi",
    "week",
    "value",
    "previous_value",
    "change",
    "relative_change",
    "direction",
    "target_status",
    "note",
)
_SENTINEL = 999999999


class RowWriter:
    """Per table: the `<td>` attributes and the KPI link made once, then one string per row."""

    def __init__(self, table):
        self.table = table
        columns = list(table.columns)
        self.usable = tuple(column.name for column in columns) == VISIBLE and all(
            column.localize is None for column in columns
        )
        self.td = {column.name: column.attrs["td"].as_html() for column in columns} if self.usable else {}
        prefix, suffix = reverse("kpi-detail", kwargs={"pk": _SENTINEL}).rsplit(str(_SENTINEL), 1)
        self.kpi_url = lambda pk: f"{prefix}{pk}{suffix}"
        self.directions: dict[str, str] = {}

    def _direction(self, kpi) -> str:
        # get_direction_display, once per value and response language.
        if kpi.direction not in self.directions:
            self.directions[kpi.direction] = kpi.get_direction_display()
        return self.directions[kpi.direction]

    def cells(self, record) -> list:
        table, kpi = self.table, record.kpi
        name = kpi.name
        return [
            kpi.team.name,
            kpi.group,
            mark_safe(f'<a href="{escape(self.kpi_url(kpi.pk))}">{escape_html(name)}</a>')  # noqa: S308
            if name
            else "",
            table.render_week(record.week),
            "" if record.value is None else table.render_value(record),
            "" if record.previous_value is None else table.render_previous_value(record),
            table.render_change(record),
            table.render_relative_change(record),
            self._direction(kpi) if kpi.direction else "",
            table.render_target_status(record),
            record.note,
        ]

    def row_html(self, bound_row) -> SafeString:
        parts = [ROW_START.format(bound_row.attrs.as_html())]
        for name, cell in zip(VISIBLE, self.cells(bound_row.record), strict=True):
            parts.append(CELL.format(self.td[name], escape_html(cell)))
        parts.append(ROW_END)
        return mark_safe("".join(parts))  # noqa: S308 - every cell is escaped above
