"""Querysets compiled once per connection and run with each request's values.

Building and compiling a queryset costs 0.4–1.1 ms of Python for statements the database answers in
a tenth of that; the team week and the weekly form run a dozen whose shape never changes, only their
team, week and dates do (bench/FINDINGS.md §13). `Precompiled` compiles such a queryset with stand-in
values the first time a connection needs it, proves by a second compilation which parameters carry
which argument, and afterwards fills the real arguments into those slots and runs the same statement.
The rows still come through the ORM's own iterable, converters and related-object populators, so the
result is the queryset's: model instances, `values()` dicts or `values_list()` tuples.

pages/history.py does the same for the change log's union, which is no plain queryset.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import NamedTuple
from weakref import WeakKeyDictionary

from django.db import connections, router
from django.db.models import QuerySet


class _Compiled(NamedTuple):
    queryset: QuerySet
    compiler: object
    sql: str
    params: tuple
    # (position in params, index of the argument whose adapted value goes there)
    slots: tuple[tuple[int, int], ...]


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
    length varies cannot be precompiled, and raises.
    """

    def __init__(self, build: Callable[..., QuerySet], first: tuple, second: tuple):
        if len(first) != len(second) or any(a == b for a, b in zip(first, second, strict=True)):
            raise ValueError("The two sets of stand-ins must differ in every argument.")
        self._build = build
        self._stand_ins = (first, second)
        # Per connection (one per thread and database): the converters are the connection's own.
        self._compiled: WeakKeyDictionary = WeakKeyDictionary()
        self._model = None

    def _compile(self, connection) -> _Compiled:
        runs = []
        for arguments in self._stand_ins:
            queryset = self._build(*arguments)
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            runs.append(
                (queryset, compiler, sql, tuple(params), [_adapted(connection, a) for a in arguments])
            )
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
        return _Compiled(queryset, compiler, sql, params, tuple(slots))

    def __call__(self, *arguments) -> list:
        if self._model is None:
            self._model = self._build(*self._stand_ins[0]).model
        connection = connections[router.db_for_read(self._model)]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = _adapted(connection, arguments[index])
        statement = (compiled.sql, tuple(params))
        # A copy of the compiled compiler keeps its select list, related-object map and converters;
        # only its statement is this call's.
        compiler = copy.copy(compiled.compiler)
        compiler.as_sql = lambda *args, **kwargs: statement
        # A clone, so the stand-in queryset never caches rows; it is evaluated here and never leaves,
        # so nothing can chain a filter onto a query whose compiler ignores it.
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)
