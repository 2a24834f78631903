"""The KPI values CSV read from plain rows gives the same bytes as the table's own reading."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.lists import exports as list_exports
from reports import exports
from reports.models import KPI, KPIValue
from reports.views.kpis import KPIValueListView
from tests.factories import make_kpi, make_team, make_value, make_week

URL = reverse("kpi-list")


@pytest.fixture
def history(team):
    other = make_team(name="风控", slug="risk")
    delivered = make_kpi(team, "需求交付数", group="效能度量", unit_label="个", position=1, target="300")
    rate = make_kpi(
        team, "需求吞吐率", group="效能度量", unit=KPI.Unit.PERCENT, decimals=2, target="90", position=2
    )
    bugs = make_kpi(other, "线上bug", direction=KPI.Direction.LOWER_IS_BETTER, decimals=1, target="10")
    total = make_kpi(other, "累计交易", kind=KPI.Kind.CUMULATIVE, unit=KPI.Unit.CURRENCY, unit_label="万元")
    neutral = make_kpi(team, "=SUM(A1)", direction=KPI.Direction.NEUTRAL, unit=KPI.Unit.NUMBER, decimals=3)
    for week, values in {
        "2024-W30": (280, "95.5", "12.5", 1000, "0.001"),
        "2024-W31": (292, "96.05", 12, 1100, 0),
        "2024-W33": (313, "81.72", "9.0", 1829, "-0.5"),
        "2024-W34": ("313.5", "80.1", 0, 1829, "1.25"),
    }.items():
        for kpi, value in zip((delivered, rate, bugs, total, neutral), values, strict=True):
            make_value(kpi, week, value, note="-14.33 pp 需求积压" if kpi is rate else "")
    # A missing figure with only a note, and a note a spreadsheet would run.
    KPIValue.objects.create(kpi=delivered, week=make_week("2024-W35"), value=None, note='=HYPERLINK("x","y")')


def both_paths(client, monkeypatch, params, **headers) -> tuple[bytes, bytes]:
    fast = b"".join(client.get(URL, {**params, "_export": "csv"}, **headers).streaming_content)
    with monkeypatch.context() as patched:
        patched.setattr(KPIValueListView, "export_csv_rows", lambda self, table, queryset: None)
        slow = b"".join(client.get(URL, {**params, "_export": "csv"}, **headers).streaming_content)
    return fast, slow


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"week": "2024-W33"},
        {"sort": "change"},
        {"sort": "-relative_change"},
        {"sort": "previous_value", "team": "risk"},
        {"worse": "true"},
        {"q": "需求"},
    ],
)
def test_plain_rows_csv_is_byte_identical_to_the_table_path(client_for, member, history, monkeypatch, params):
    fast, slow = both_paths(client_for(member), monkeypatch, params)
    assert fast.count(b"\n") > 1
    assert fast == slow


def test_plain_rows_csv_is_byte_identical_in_chinese(client_for, member, history, monkeypatch):
    fast, slow = both_paths(client_for(member), monkeypatch, {}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "方向".encode() in fast or "团队".encode() in fast
    assert fast == slow


def test_a_column_the_plain_rows_do_not_know_takes_the_table_path(client_for, member, history, monkeypatch):
    monkeypatch.setattr(exports, "COLUMNS", exports.COLUMNS[:-1])
    calls = []
    real = list_exports.table_rows
    monkeypatch.setattr(list_exports, "table_rows", lambda *args: calls.append(1) or real(*args))
    client_for(member).get(URL, {"_export": "csv"})
    assert calls == [1]


def test_xlsx_above_the_row_limit_is_refused_with_a_pointer_to_csv(client_for, member, history, monkeypatch):
    monkeypatch.setattr(list_exports, "XLSX_MAX_ROWS", 5)
    response = client_for(member).get(URL, {"_export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "CSV" in response.content.decode()
    assert "limited to 5 rows" in response.content.decode()
    within = client_for(member).get(URL, {"_export": "xlsx", "week": "2024-W33"})
    assert within["Content-Type"] == list_exports.FORMATS[list_exports.XLSX]
