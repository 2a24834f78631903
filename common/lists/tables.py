"""What every list table shares: the template, numeric columns, sorting with empty values last."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import F
from django.utils.functional import cached_property

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

    @cached_property
    def list_rows(self) -> RowWriter:
        """The body rows written in Python (common/lists/rows.py), used by _list_table.html."""
        return RowWriter(self)
