"""Django's ModelBackend, with the logged-in user of each request read by one plain SQL statement.

Every logged-in request loads its user after its session. The ORM took longer to build that query than
the database took to answer it: 0.36 ms against 0.19 ms on SQLite, 0.81 ms against 0.54 ms on
PostgreSQL (bench/FINDINGS.md, "Team week throughput"). `raw()` still cost 85 µs a request on top of
the query (bench/FINDINGS.md §5c), so the row goes through a cursor, each column is converted by the
converters the ORM applies, and `Model.from_db` builds the user as a queryset would. Logging in,
permissions and everything else stay Django's own.
"""

from typing import NamedTuple
from weakref import WeakKeyDictionary

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router


class UserQuery(NamedTuple):
    """What reading a user takes on one connection, worked out once: the SQL, the attribute names,
    and (column index, column, converter functions) for every column the ORM would convert."""

    sql: str
    attnames: list[str]
    converters: list[tuple]


# Per connection (one per thread and database), as the converters are the connection's own methods.
_user_queries = WeakKeyDictionary()


class ModelBackendWithPlainUserLookup(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        alias = router.db_for_read(model)
        connection = connections[alias]
        query = _user_queries.get(connection)
        if query is None:
            query = _user_queries[connection] = _user_query(connection, model)
        with connection.cursor() as cursor:
            cursor.execute(query.sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        # The row's values as the ORM would hand them over, e.g. SQLite's datetime text as aware datetimes.
        values = list(row)
        for index, column, functions in query.converters:
            for converter in functions:
                values[index] = converter(values[index], column, connection)
        user = model.from_db(alias, query.attnames, values)
        return user if self.user_can_authenticate(user) else None


def _user_query(connection, model) -> UserQuery:
    quote = connection.ops.quote_name
    meta = model._meta
    fields = meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in fields)
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(meta.db_table)
        functions = (*connection.ops.get_db_converters(column), *field.get_db_converters(connection))
        if functions:
            converters.append((index, column, functions))
    return UserQuery(
        sql=f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s",
        attnames=[field.attname for field in fields],
        converters=converters,
    )
