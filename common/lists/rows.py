"""A list table's body rows written out in Python, with django-tables2's per-column decisions made once.

For every cell, django-tables2 recomputes the column's attributes (`column.attrs.td`), inspects the
render method's signature and looks up the accessor's model field, then a template node prints it:
most of a list page's time. `RowWriter.row_html` takes the same steps with the per-column work
done once per table and prints what the `table.tbody.row` block of django_tables2/table.html printed,
character for character (tests/common/test_list_rows.py renders both for every list). Tables with
per-row attributes or localized columns keep the block.
"""

from __future__ import annotations

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.utils import signature

from common.lists.cells import EMPTY, CellResolver

# Switched off by the tests that render the table block to compare with.
ENABLED = True
ROW_START = "\n                    <tr {}>\n                        "
CELL = "\n                            <td {}>{}</td>\n                        "
ROW_END = "\n                    </tr>\n                    "


def _has_callable(attrs) -> bool:
    if callable(attrs):
        return True
    return isinstance(attrs, dict) and any(_has_callable(value) for value in attrs.values())


class _Cell(CellResolver):
    """One column's `BoundRow.get_cell` (choices display, accessor, empty values, render, link)."""

    def __init__(self, table, bound_column):
        super().__init__(table, bound_column)
        self.td = bound_column.attrs["td"].as_html()
        self.default = bound_column.default
        self.link = bound_column.link
        self.render = bound_column.render
        arguments, catch_all = signature(self.render)
        self.wanted = None if catch_all else tuple(arguments)

    def _render(self, bound_row, value):
        arguments = {
            "value": value,
            "record": bound_row.record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": bound_row,
            "table": self.table,
        }
        if self.wanted is None:
            content = self.render(**arguments)
        elif all(name in arguments for name in self.wanted):
            content = self.render(**{name: arguments[name] for name in self.wanted})
        else:
            content = None
        return self.link(content, **arguments) if self.link else content

    def __call__(self, bound_row):
        value = self.value_of(bound_row.record)
        return self.default if value is EMPTY else self._render(bound_row, value)


def _as_template_prints(value) -> str:
    """`{{ cell }}`: django.template.base.render_value_in_context with autoescape on."""
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


class RowWriter:
    def __init__(self, table):
        columns = list(table.columns)
        self.usable = ENABLED and all(
            column.localize is None and not _has_callable(column.column.attrs) for column in columns
        )
        self.cells = [_Cell(table, column) for column in columns] if self.usable else []

    def row_html(self, bound_row) -> SafeString:
        parts = [ROW_START.format(bound_row.attrs.as_html())]
        for cell in self.cells:
            parts.append(CELL.format(cell.td, _as_template_prints(cell(bound_row))))
        parts.append(ROW_END)
        return mark_safe("".join(parts))  # noqa: S308 - every cell is escaped above
