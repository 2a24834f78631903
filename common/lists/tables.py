"""What every list table shares: the template, numeric columns, sorting with empty values last."""

from __future__ import annotations

import django_tables2 as tables
from django.core.exceptions import FieldError
from django.db.models import F, QuerySet
from django.utils.functional import cached_property
from django.utils.html import strip_tags

from common.lists.rows import RowWriter

LIST_TABLE_TEMPLATE = "_list_table.html"
NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


def order_nulls_last(queryset, field: str, is_descending: bool):
    """Sort on an annotation with rows that have nothing to compare at the end on every database."""
    expression = F(field).desc(nulls_last=True) if is_descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expression, "pk"), True


class ListTable(tables.Table):
    """The base of every list's table: one template, one look, one empty cell."""

    class Meta:
        template_name = LIST_TABLE_TEMPLATE
        attrs = {"class": "list-table"}
        default = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each cell names its column (data-label): a phone shows a row as a stack of labelled cells
        # (static/css/lists.css), where the columns scrolled the figures out of sight.
        for bound_column in self.columns:
            column = bound_column.column
            cell = column.attrs.get("td", column.attrs.get("cell", {}))
            label = strip_tags(str(bound_column.header))
            column.attrs = {**column.attrs, "td": {**cell, "data-label": label}}

    @tables.Table.order_by.setter
    def order_by(self, value):
        try:
            tables.Table.order_by.fset(self, value)
        except FieldError:
            # A column worked out per row (a flag, a formatted figure) has no field to sort on, and
            # django-tables2 offers every column by default: ?sort=<it> falls back to the table's order
            # like any unknown sort. Such columns say orderable=False or sort by an order_<name> method.
            tables.Table.order_by.fset(self, self._meta.order_by)
        # Rows that tie on the chosen column (a team, a group, a grade) come back in no fixed order on
        # PostgreSQL; the id settles them, so moving between pages never repeats or skips a row.
        rows = getattr(self.data, "data", None)
        if isinstance(rows, QuerySet) and rows.query.order_by:
            last = rows.query.order_by[-1]
            if last not in ("pk", "-pk"):
                self.data.data = rows.order_by(
                    *rows.query.order_by, "-pk" if str(last).startswith("-") else "pk"
                )

    # A writer made for this table's columns (reports/table_rows.py, okrs/table_rows.py), tried first.
    own_row_writer = None

    @cached_property
    def list_rows(self):
        """The body rows written in Python, used by _list_table.html: the table's own writer where it
        knows the columns shown, else the generic one (common/lists/rows.py)."""
        if self.own_row_writer is not None:
            writer = self.own_row_writer(self)
            if writer.usable:
                return writer
        return RowWriter(self)
