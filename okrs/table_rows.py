"""The OKR board's body rows written out in Python, for the list page.

The generic writer (common/lists/rows.py) still takes django-tables2's steps per cell: the accessor
resolved and checked against the column's empty values, the render method called with the arguments it
names, the row's attributes computed from `Meta.row_attrs`, the ETA rule evaluated twice per row. For
the 20-row board that was a sixth of the page. `row_html` prints what the `table.tbody.row` block of
django_tables2/table.html printed for a KeyResultTable row, character for character
(tests/okrs/test_key_result_rows.py renders both); any other set of columns falls back to that block.
The head and the loop around the rows are written by common/lists/rows.py, as for every list.
"""

from __future__ import annotations

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from common.formatting import escape_text
from common.lists.rows import CELL, ROW_END

VISIBLE = ("team", "objective", "title", "owner", "eta", "progress", "change", "status", "note")
ROW_START = '\n                    <tr class="{}">\n                        '


class RowWriter:
    """Per table: the `<td>` attributes made once, then one string per row."""

    def __init__(self, table):
        self.table = table
        columns = list(table.columns)
        self.usable = tuple(column.name for column in columns) == VISIBLE and all(
            column.localize is None for column in columns
        )
        self.td = [column.attrs["td"].as_html() for column in columns] if self.usable else []
        # Each cell's markup once per distinct value: format_html and the lazy translations it escapes
        # were most of a row's time, and a board repeats a handful of statuses, dates and changes.
        self.owners: dict[int, str] = {}
        self.etas: dict[tuple, str] = {}
        self.changes: dict = {}
        self.statuses: dict[str, str] = {}

    def _owner(self, owner) -> str:
        # One name per person: a team's items mostly share a few owners.
        if owner.pk not in self.owners:
            self.owners[owner.pk] = escape_text(self.table.render_owner(owner))
        return self.owners[owner.pk]

    def _eta(self, record, past_eta: bool) -> str:
        key = (record.eta, past_eta)
        if key not in self.etas:
            self.etas[key] = conditional_escape(self.table.eta_html(record, past_eta))
        return self.etas[key]

    def _change(self, record) -> str:
        change = self.table.change_of(record)
        if change not in self.changes:
            self.changes[change] = conditional_escape(self.table.change_html(change))
        return self.changes[change]

    def _status(self, status: str) -> str:
        if status not in self.statuses:
            self.statuses[status] = self.table.render_status(status)
        return self.statuses[status]

    def cells(self, record, past_eta: bool) -> list[str]:
        """Each visible cell as escaped HTML, as the table's render methods and `{{ cell }}` print it."""
        table = self.table
        objective, owner, status, note = record.objective, record.owner, record.week_status, record.week_note
        team = objective.team.name
        return [
            escape_text(team) if team else "",
            escape_text(f"{objective.code} {objective.title}"),
            escape_text(record.title) if record.title else "",
            "" if owner is None else self._owner(owner),
            "" if record.eta is None else self._eta(record, past_eta),
            escape_text(table.render_progress(record)),
            self._change(record),
            "" if not status else self._status(status),
            escape_text(note) if note else "",
        ]

    def row_html(self, bound_row) -> SafeString:
        record = bound_row.record
        past_eta = self.table.is_past_eta(record)
        # BoundRow.attrs: the row's own class (Meta.row_attrs), then django-tables2's odd/even.
        parity = "odd" if bound_row.row_counter % 2 else "even"
        parts = [ROW_START.format(f"past-eta {parity}" if past_eta else parity)]
        for td, cell in zip(self.td, self.cells(record, past_eta), strict=True):
            parts.append(CELL.format(td, cell))
        parts.append(ROW_END)
        return mark_safe("".join(parts))  # noqa: S308 - every cell is escaped above
