"""django-tables2's steps from a record to a cell's value, with the per-column decisions made once.

`BoundRow.get_cell` and `get_cell_value` look up the accessor's model field and the choices display on
every cell. The list pages' rows (rows.py) and the exports (exports.py) both take the same steps in the
same order; this is the one copy of them, caching the per-column lookups.

A choices display is kept per value for the table's life (one request, one language): Django's
`get_FOO_display` rebuilds the field's choices as a dict on every call, translating every label, which
was a fifth of the incident list's time (three such cells a row).
"""

from __future__ import annotations

from functools import partialmethod

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
        self.shown: dict[tuple[type, str, object], str] = {}

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

    def _display(self, instance, name: str):
        method = f"get_{name}_display"
        if not _is_djangos_display(type(instance), method):
            return getattr(instance, method)()
        key = (type(instance), name, getattr(instance, name))
        try:
            return self.shown[key]
        except KeyError:
            shown = self.shown[key] = getattr(instance, method)()
            return shown
        except TypeError:  # an unhashable value: nothing to keep it under
            return getattr(instance, method)()

    def value_of(self, record):
        """What django-tables2 hands the column's render or value method, or EMPTY."""
        value = None
        penultimate, remainder = self.accessor.penultimate(record)
        if isinstance(penultimate, models.Model) and self._uses_display(record, penultimate, remainder):
            value = self._display(penultimate, remainder)
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


def _is_djangos_display(model: type, method: str) -> bool:
    """Whether `method` is the get_FOO_display Django made (the value's label alone), not a model's own."""
    for klass in model.__mro__:
        if method in klass.__dict__:
            return isinstance(klass.__dict__[method], partialmethod)
    return False
