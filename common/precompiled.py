"""Querysets compiled once per connection and run with each request's values.

Building and compiling a queryset costs 0.4–1.1 ms of Python for statements the database answers in
a tenth of that; the team week and the weekly form run a dozen whose shape never changes, only their
team, week and dates do (bench/FINDINGS.md §13). `Precompiled` compiles such a queryset with stand-in
values the first time a connection needs it, proves by a second compilation which parameters carry
which argument, and afterwards fills the real arguments into those slots and runs the same statement.
The rows still come through the ORM's own iterable, converters and related-object populators, so the
result is the queryset's: model instances, `values()` dicts or `values_list()` tuples. The tuples of a
`values_list()` are converted a column at a time, with the ORM's converters: row by row, its loop cost
more than the conversions (bench/FINDINGS.md §25); SQLite's decimals with the same calls made inline
(§27).

An argument may also be a list of ids (`IdList` stand-ins): an `__in` list's length is part of the
statement, so one is compiled per length, and a list is padded to the next power of two by repeating
its last id (the same rows: `IN (4, 7, 7, 7)` is `IN (4, 7)`), which bounds the statements of a list
whose length changes from view to view to a dozen (a list longer than `LONGEST_PADDED` runs as the
queryset it builds). The overview built from nothing ran thirteen
statements, each with a list of teams or of the rows shown, and compiling them was ~13 ms of its
~120 on SQLite (bench/FINDINGS.md §24).

pages/history.py does the same for the change log's union, which is no plain queryset.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
from collections.abc import Callable
from itertools import chain
from typing import NamedTuple
from weakref import WeakKeyDictionary

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.expressions import Col
from django.db.models.query import ValuesListIterable
from django.db.models.sql.constants import MULTI


class IdList(NamedTuple):
    """The stand-in of an argument that is a list of ids: compiled as `first`, `first - 1`, … for each
    length. Give the two stand-ins of one argument bases far apart (a list is at most `MAX_IDS` long),
    below every id and every other stand-in."""

    first: int


MAX_IDS = 1 << 20
# A longer list runs as the queryset it builds, compiled for the call: padded, it would pass SQLite's
# limit of 32,766 parameters sooner, and a page's lists are a department's teams or rows shown.
LONGEST_PADDED = 4096


def id_list_stand_ins(index: int = 0) -> tuple[IdList, IdList]:
    """The two stand-ins of a statement's `index`-th id list: apart from each other, from every other
    list's and from any id or scalar stand-in (all of which lie above -10⁹)."""
    base = -(index + 1) * 1000 * MAX_IDS
    return IdList(base), IdList(base - 2 * MAX_IDS)


# Stand-in Mondays no week has, for a statement's week arguments: its Monday, and one before or after.
STAND_IN_MONDAYS = (dt.date(1901, 1, 7), dt.date(1902, 1, 6))
STAND_IN_EARLIER_MONDAYS = (dt.date(1900, 12, 31), dt.date(1901, 12, 30))
STAND_IN_LATER_MONDAYS = (dt.date(1901, 3, 4), dt.date(1902, 3, 3))

# A list without ids: the lookup matches nothing, and the statement is compiled without it.
_NOTHING = object()


def _padded(ids) -> list:
    """The list's distinct ids, padded to a power of two with its last (nothing for an empty list)."""
    distinct = list(dict.fromkeys(pk for pk in ids if pk is not None))
    if not distinct or len(distinct) > LONGEST_PADDED:
        return distinct
    length = 1 << (len(distinct) - 1).bit_length()
    return distinct + [distinct[-1]] * (length - len(distinct))


def _stand_in(argument, length: int | None):
    return [argument.first - offset for offset in range(length)] if isinstance(argument, IdList) else argument


class _Compiled(NamedTuple):
    queryset: QuerySet
    compiler: object
    sql: str
    params: tuple
    # (position in params, index of the flattened argument whose adapted value goes there: a list's
    # ids are flattened in place)
    slots: tuple[tuple[int, int], ...]
    # A values_list() statement's converted columns: (position, conversion of its values); None for a
    # statement whose rows the queryset's own iterable makes.
    columns: tuple | None


def _adapted(connection, value):
    """An argument as the ORM passes it for a lookup on a field of its type."""
    ops = connection.ops
    # datetime before date: a datetime is a date.
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return ops.adapt_datefield_value(value)
    return value


class Precompiled:
    """`Precompiled(build, first, second)(*arguments)`: the rows of `build(*arguments)`, as a list.

    `build` must make a queryset whose SQL is the same for every argument value and in which each
    argument lands only in parameters of its own (not derived: pass a derived date as an argument of
    its own). `first` and `second` are two sets of stand-in arguments no real row has, each argument
    differing between them; compiling both proves where each argument goes, and a queryset that
    breaks the rule raises on its first use instead of answering wrongly.

    Every statement keeps its shape because its values are scalars: a lookup on a list (`__in`) whose
    length varies cannot be precompiled, and raises, unless the argument's stand-ins are `IdList`s: it
    is then compiled once per padded length (`_padded`).
    """

    def __init__(self, build: Callable[..., QuerySet], first: tuple, second: tuple):
        if len(first) != len(second) or any(a == b for a, b in zip(first, second, strict=True)):
            raise ValueError("The two sets of stand-ins must differ in every argument.")
        if any(isinstance(a, IdList) != isinstance(b, IdList) for a, b in zip(first, second, strict=True)):
            raise ValueError("An argument's two stand-ins must both be id lists, or neither.")
        pairs = list(zip(first, second, strict=True))
        if any(isinstance(a, IdList) and abs(a.first - b.first) < MAX_IDS for a, b in pairs):
            raise ValueError(f"The two stand-ins of an id list must be {MAX_IDS} or more apart.")
        self._build = build
        self._stand_ins = (first, second)
        self._lists = tuple(isinstance(argument, IdList) for argument in first)
        # Per connection (one per thread and database; the converters are the connection's own), then
        # per length of the id lists.
        self._compiled: WeakKeyDictionary = WeakKeyDictionary()
        self._model = None

    def _compile(self, connection, lengths: tuple) -> _Compiled:
        runs = []
        for stand_ins in self._stand_ins:
            arguments = [_stand_in(*pair) for pair in zip(stand_ins, lengths, strict=True)]
            queryset = self._build(*arguments)
            compiler = queryset.query.get_compiler(connection=connection)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                # Only an empty id list empties a statement whatever its values: it reads nothing.
                sql, params = _NOTHING, ()
            runs.append((queryset, compiler, sql, tuple(params), self._flattened(connection, arguments)))
        (queryset, compiler, sql, params, adapted), (_, _, other_sql, other_params, other_adapted) = runs
        if other_sql != sql or len(other_params) != len(params):
            raise RuntimeError("The queryset does not compile to one statement whatever its arguments.")
        slots = []
        for position, (param, other) in enumerate(zip(params, other_params, strict=True)):
            if param == other and param not in adapted:
                continue
            found = [
                index
                for index, (mine, theirs) in enumerate(zip(adapted, other_adapted, strict=True))
                if param == mine and other == theirs
            ]
            if len(found) != 1:
                raise RuntimeError(f"Parameter {position} of the queryset is not one of its arguments.")
            slots.append((position, found[0]))
        columns = None if sql is _NOTHING else _converted_columns(queryset, compiler)
        return _Compiled(queryset, compiler, sql, params, tuple(slots), columns)

    def _flattened(self, connection, arguments) -> list:
        flat = []
        for is_list, argument in zip(self._lists, arguments, strict=True):
            if is_list:
                flat.extend(argument)
            else:
                flat.append(_adapted(connection, argument))
        return flat

    def __call__(self, *arguments) -> list:
        if self._model is None:
            self._model = self._build(*(_stand_in(a, 1) for a in self._stand_ins[0])).model
        arguments = [
            _padded(argument) if is_list else argument
            for is_list, argument in zip(self._lists, arguments, strict=True)
        ]
        if any(
            is_list and len(ids) > LONGEST_PADDED for is_list, ids in zip(self._lists, arguments, strict=True)
        ):
            return list(self._build(*arguments))
        connection = connections[router.db_for_read(self._model)]
        lengths = tuple(
            len(argument) if is_list else None
            for is_list, argument in zip(self._lists, arguments, strict=True)
        )
        by_length = self._compiled.get(connection)
        if by_length is None:
            by_length = self._compiled[connection] = {}
        compiled = by_length.get(lengths)
        if compiled is None:
            compiled = by_length[lengths] = self._compile(connection, lengths)
        if compiled.sql is _NOTHING:
            return []
        flat = self._flattened(connection, arguments)
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = flat[index]
        statement = (compiled.sql, tuple(params))
        # A copy of the compiled compiler keeps its select list, related-object map and converters;
        # only its statement is this call's.
        compiler = copy.copy(compiled.compiler)
        compiler.as_sql = lambda *args, **kwargs: statement
        if compiled.columns is not None:
            return _converted(
                list(chain.from_iterable(compiler.execute_sql(MULTI))), compiled.columns, connection
            )
        # A clone, so the stand-in queryset never caches rows; it is evaluated here and never leaves,
        # so nothing can chain a filter onto a query whose compiler ignores it.
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)


def _converted_columns(queryset: QuerySet, compiler) -> tuple | None:
    """The conversion of each of a plain `values_list()` statement's columns that has converters, as
    (position, function of the column's values), as `SQLCompiler.results_iter` converts them; None for
    any other iterable (model instances, dicts, flat or named tuples)."""
    if queryset._iterable_class is not ValuesListIterable:
        return None
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(fields):
        return None
    connection = compiler.connection
    return tuple(
        (position, _sqlite_decimals(converters, expression, connection) or _each(converters, expression))
        for position, (converters, expression) in compiler.get_converters(fields).items()
    )


def _each(converters: list, expression) -> Callable:
    """The column through each of its converters in turn, as the ORM converts a row's value."""

    def convert(values, connection) -> list:
        for converter in converters:
            values = [converter(value, expression, connection) for value in values]
        return values

    return convert


_SQLITE_DECIMAL_CONVERTER = "DatabaseOperations.get_decimalfield_converter.<locals>.converter"


def _sqlite_decimals(converters: list, expression, connection) -> Callable | None:
    """SQLite's decimal conversion of a column, done in one comprehension of C calls; None for any other.

    SQLite returns a decimal as a float (or an int), which the backend's converter makes a Decimal of
    fifteen digits, rounded to the field's places when the column is a field's; an expression's own
    converter then copies that Decimal. Two Python calls for each of the ~9,000 decimals the overview
    built from nothing reads were ~3 ms of its ~50 on SQLite (bench/FINDINGS.md §27). These are the
    same calls, made inline; a Django whose converters differ gets the generic path, and
    tests/common/test_precompiled.py compares both with the queryset's own rows.
    """
    if connection.vendor != "sqlite" or not converters:
        return None
    backend, *rest = converters
    if getattr(backend, "__qualname__", "") != _SQLITE_DECIMAL_CONVERTER:
        return None
    if rest and (len(rest) > 1 or rest[0] is not getattr(expression, "convert_value", None)):
        return None
    field = expression.output_field
    if field.get_internal_type() != "DecimalField":
        return None
    create_decimal = decimal.Context(prec=15).create_decimal_from_float
    if not isinstance(expression, Col):
        return lambda values, connection: [
            None if value is None else create_decimal(value) for value in values
        ]
    places, context = decimal.Decimal(1).scaleb(-field.decimal_places), field.context
    return lambda values, connection: [
        None if value is None else create_decimal(value).quantize(places, context=context) for value in values
    ]


def _converted(rows: list, columns: tuple, connection) -> list[tuple]:
    """The rows with each column converted as `SQLCompiler.apply_converters` converts it, column by column."""
    if not columns or not rows:
        return [tuple(row) for row in rows]
    by_column = list(zip(*rows, strict=True))
    for position, convert in columns:
        by_column[position] = convert(by_column[position], connection)
    return list(zip(*by_column, strict=True))
