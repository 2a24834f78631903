"""On PostgreSQL a statement a connection repeats is prepared once and its plan reused (settings.py).

The pages' statements are the same on every view of a page; planning them again each time was a tenth
of the team week (bench/FINDINGS.md §12b). This checks the server really holds the statement, and that
the app's queries, parameters bound on the server, give the same rows as before.
"""

import pytest
from django.db import connection

from reports.models import Team
from tests.factories import make_team

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
    pytest.mark.skipif(
        not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"),
        reason="switched off by DATABASE_PREPARED_STATEMENTS=false",
    ),
]


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_repeated_query_is_prepared_on_the_server_and_gives_the_same_rows():
    make_team(slug="prepared-a", name="Prepared A")
    make_team(slug="prepared-b", name="Prepared B")
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    names = [
        list(
            Team.objects.filter(slug__startswith="prepared-").order_by("slug").values_list("name", flat=True)
        )
        for _ in range(threshold + 1)
    ]
    assert names == [["Prepared A", "Prepared B"]] * (threshold + 1)
    assert any(
        '"reports_team"."name"' in statement and "$1" in statement for statement in _prepared_statements()
    )
