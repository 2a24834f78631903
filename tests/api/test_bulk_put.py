"""The bulk PUT of a week's KPI values: a fixed number of queries, one history row per changed value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ops import data_version
from reports.models import KPIValue, WeeklyReport
from tests.api.conftest import ApiClient, issue
from tests.factories import make_kpi, make_report, make_value
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

VALUES = "/api/v1/teams/payments/weeks/2024-W33/kpi-values/"
WEEK = "2024-W33"


def week_of_values(team, count):
    """`count` KPIs of each kind: with a value to change, one to keep, one to clear, and none yet."""
    kinds = {"change": [], "keep": [], "clear": [], "add": []}
    for position in range(count):
        for kind, stored in (("change", 1), ("keep", 2), ("clear", 3), ("add", None)):
            kpi = make_kpi(team, f"{kind} {position}", unit="count", position=position)
            if stored is not None:
                make_value(kpi, WEEK, stored)
            kinds[kind].append(kpi)
    body = {
        "values": [{"kpi": kpi.pk, "value": "5", "note": "new"} for kpi in kinds["change"]]
        + [{"kpi": kpi.pk, "value": "2"} for kpi in kinds["keep"]]
        + [{"kpi": kpi.pk, "value": None} for kpi in kinds["clear"]]
        + [{"kpi": kpi.pk, "value": "7"} for kpi in kinds["add"]]
    }
    return kinds, body


def put_queries(team, lead, count):
    make_report(team, WEEK)
    _kinds, body = week_of_values(team, count)
    client = ApiClient(issue(lead))
    with CaptureQueriesContext(connection) as queries:
        response = client.put(VALUES, body)
    assert response.status_code == 200, response.content
    assert response.json()["changed"] == 3 * count
    return len(queries)


# Token (read, last use), team, permission, KPIs, stored values; then in the transaction (savepoint and
# release) the lock, week, values, the revision's bump, save and history, one insert, update (and one for
# the fields every edited row shares) and delete with their history; the response's read. The same for 8
# values or 160: saving row by row took 137 for 40.
PUT_QUERIES = 22


@pytest.mark.parametrize("count", [2, 10, 40])
def test_bulk_put_takes_the_same_queries_whatever_the_number_of_values(team, lead, count):
    assert put_queries(team, lead, count) == PUT_QUERIES


def test_each_changed_value_gets_one_history_row_naming_the_user_and_unchanged_ones_none(team, lead):
    make_report(team, WEEK)
    kinds, body = week_of_values(team, 3)
    kept = KPIValue.objects.filter(kpi__in=kinds["keep"])
    kept_before = list(kept.values_list("pk", "updated_at", "updated_by"))
    client = ApiClient(issue(lead))
    response = client.put(VALUES, body)
    assert response.status_code == 200, response.content
    history = KPIValue.history.filter(history_user=lead, history_change_reason="api")
    for kind, history_type in (("change", "~"), ("clear", "-"), ("add", "+")):
        rows = history.filter(kpi__in=kinds[kind])
        assert sorted(rows.values_list("kpi_id", "history_type")) == [
            (kpi.pk, history_type) for kpi in kinds[kind]
        ]
    assert not KPIValue.history.filter(kpi__in=kinds["keep"], history_user=lead).exists()
    assert list(kept.values_list("pk", "updated_at", "updated_by")) == kept_before
    changed = KPIValue.objects.filter(kpi__in=kinds["change"])
    assert {(row.value, row.note, row.updated_by) for row in changed} == {(Decimal("5"), "new", lead)}
    assert not KPIValue.objects.filter(kpi__in=kinds["clear"]).exists()
    added = KPIValue.objects.filter(kpi__in=kinds["add"])
    assert {(row.value, row.updated_by, row.is_generated) for row in added} == {(Decimal("7"), lead, False)}
    # The deletion's history keeps what was deleted, as a row-by-row delete records it.
    assert set(history.filter(history_type="-").values_list("value", flat=True)) == {Decimal("3")}


def test_bulk_put_renews_the_data_version_and_a_repeat_writes_nothing(
    team, lead, django_capture_on_commit_callbacks
):
    make_report(team, WEEK)
    _kinds, body = week_of_values(team, 3)
    client = ApiClient(issue(lead))
    before = data_version.current()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.put(VALUES, body)
    assert first.status_code == 200
    after = data_version.current()
    assert after != before
    rows = census()
    with django_capture_on_commit_callbacks(execute=True):
        second = client.put(VALUES, body)
    assert second.json()["changed"] == 0 and second["ETag"] == first["ETag"]
    assert census() == rows
    assert data_version.current() == after


def test_stale_bulk_put_is_412_and_writes_nothing(team, lead):
    report = make_report(team, WEEK, revision=4)
    _kinds, body = week_of_values(team, 5)
    rows = census()
    response = ApiClient(issue(lead)).put(VALUES, body, **{"If-Match": '"3"'})
    assert response.status_code == 412
    assert census() == rows
    assert WeeklyReport.objects.get(pk=report.pk).revision == 4
