"""A list table's head and body written out in Python, with django-tables2's per-column decisions made once.

For every cell, django-tables2 recomputes the column's attributes (`column.attrs.td`), inspects the
render method's signature and looks up the accessor's model field, then a template node prints it:
most of a list page's time. `RowWriter.row_html` takes the same steps with the per-column work
done once per table and prints what the `table.tbody.row` block of django_tables2/table.html printed,
character for character (tests/common/test_list_rows.py renders both for every list). Tables with
per-row attributes or localized columns keep the block.

The head (a {% querystring %} per sortable column) and the loop around the rows cost as much again
as the rows on a 40-row page: `thead_html` and `tbody_html` print the thead and tbody blocks of that
template for any table whose rows are written (`ListTable.list_rows`).
"""

from __future__ import annotations

from django.utils.formats import localize
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.utils import signature

from common.formatting import escape_html
from common.lists.cells import EMPTY, CellResolver

# Switched off by the tests that render the table block to compare with.
ENABLED = True
ROW_START = "\n                    <tr {}>\n                        "
CELL = "\n                            <td {}>{}</td>\n                        "
ROW_END = "\n                    </tr>\n                    "
# django_tables2/table.html's thead and tbody blocks, their whitespace included.
THEAD_START = "\n            \n                <thead {}>\n                    <tr>\n                    "
TH = (
    "\n                        <th {}>\n                            {}\n                        </th>\n"
    + " " * 20
)
SORT_LINK = '\n                                <a href="{}">{}</a>\n                            '
HEADER = "\n                                {}\n                            "
THEAD_END = "\n                    </tr>\n                </thead>\n            \n            "
TBODY_START = "\n                <tbody {}>\n                "
TBODY_ROW = "\n                    {}\n                "
TBODY_END = "\n                </tbody>\n            "


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
    return escape_html(value)


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


def thead_html(table, request) -> SafeString:
    """The thead block: each header, with a sort link where it sorts as {% querystring %} writes it."""
    params = dict(request.GET)
    field = table.prefixed_order_by_field
    cells = []
    for column in table.columns:
        header = escape_html(str(column.header))
        if column.orderable:
            params[field] = column.order_by_alias.next
            content = SORT_LINK.format(escape("?" + urlencode(params, doseq=True)), header)
        else:
            content = HEADER.format(header)
        cells.append(TH.format(column.attrs["th"].as_html(), content))
    return mark_safe(THEAD_START.format(_attrs_html(table.attrs, "thead")) + "".join(cells) + THEAD_END)  # noqa: S308


def tbody_html(table) -> SafeString:
    """The tbody block over the page's rows (a page without rows keeps the template's empty text)."""
    row_html = table.list_rows.row_html
    rows = [TBODY_ROW.format(row_html(bound_row)) for bound_row in table.paginated_rows]
    return mark_safe(TBODY_START.format(_attrs_html(table.attrs, "tbody")) + "".join(rows) + TBODY_END)  # noqa: S308


def _attrs_html(attrs, part: str) -> str:
    """`{{ table.attrs.<part>.as_html }}`: empty unless the table's attributes name that part."""
    value = attrs.get(part)
    return value.as_html() if hasattr(value, "as_html") else ""
