"""django-tables2's steps from a record to a cell's value, with the per-column decisions made once.

`BoundRow.get_cell` and `get_cell_value` look up the accessor's model field and the choices display on
every cell. The list pages' rows (rows.py) and the exports (exports.py) both take the same steps in the
same order; this is the one copy of them, caching the per-column lookups.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import A

# The column shows its default (or, exported, nothing): the value is one of its empty values.
EMPTY = object()


class CellResolver:
    def __init__(self, table, bound_column):
        self.table = table
        self.bound_column = bound_column
        self.column = bound_column.column
        self.accessor = A(bound_column.accessor)
        self.is_m2m = isinstance(self.column, ManyToManyColumn)
        self.displays: dict[tuple[type, str], bool] = {}

    def _uses_display(self, record, penultimate, remainder) -> bool:
        key = (type(penultimate), remainder)
        if key not in self.displays:
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            self.displays[key] = bool(getattr(field, "choices", ())) and hasattr(
                penultimate, f"get_{remainder}_display"
            )
        return self.displays[key]

    def value_of(self, record):
        """What django-tables2 hands the column's render or value method, or EMPTY."""
        value = None
        penultimate, remainder = self.accessor.penultimate(record)
        if isinstance(penultimate, models.Model) and self._uses_display(record, penultimate, remainder):
            value = getattr(penultimate, f"get_{remainder}_display")()
            remainder = None
        if remainder:
            try:
                value = self.accessor.resolve(record)
            except Exception:
                # A link with its own text is rendered even where its accessor finds nothing.
                if isinstance(self.column, BaseLinkColumn) and self.column.text is not None:
                    return None
        if value in self.column.empty_values or (self.is_m2m and not value.exists()):
            return EMPTY
        return value
