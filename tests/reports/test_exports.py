"""Exports of the list pages: whole filtered result, numbers as numbers, guarded text, ISO times."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from common.lists.exports import export_value, guard_text
from reports.models import KPI
from tests.factories import make_kpi, make_value

URL = reverse("kpi-list")


@pytest.fixture
def seed(team):
    delivered = make_kpi(team, "需求交付数", group="效能度量", unit_label="个", position=1)
    throughput = make_kpi(
        team, "需求吞吐率", group="效能度量", unit=KPI.Unit.PERCENT, decimals=2, target="90", position=2
    )
    make_value(delivered, "2024-W32", 292)
    make_value(delivered, "2024-W33", 313, note='=HYPERLINK("http://evil.example","click")')
    make_value(throughput, "2024-W32", "96.05")
    make_value(throughput, "2024-W33", "81.72", note="-14.33 pp 需求积压")
    return {"delivered": delivered, "throughput": throughput}


def read_csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def read_xlsx(response) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def by_kpi(rows, name, week="2024-W33"):
    (row,) = [row for row in rows if row["KPI"] == name and row["Week"] == week]
    return row


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 10", "'+86 10"),
        ("-14.33", "'-14.33"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ("  =1+1", "'  =1+1"),
        ("\u3000@SUM(A1)", "'\u3000@SUM(A1)"),
        ("＝1+1", "'＝1+1"),
        ("＋86 10", "'＋86 10"),
        ("－1", "'－1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("   ", "   "),
        ("a=1", "a=1"),
        ("plain 需求", "plain 需求"),
        ("", ""),
    ],
)
def test_guard_text_neutralises_formula_starts(text, expected):
    assert guard_text(text) == expected


def test_export_value_keeps_numbers_and_formats_moments_locally(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert export_value(Decimal("-14.33")) == Decimal("-14.33")
    assert export_value(-3) == -3
    assert export_value(None) == ""
    moment = dt.datetime(2024, 8, 12, 1, 27, 45, tzinfo=dt.UTC)
    assert export_value(moment) == "2024-08-12 09:27"
    assert export_value(dt.date(2024, 9, 10)) == "2024-09-10"


def test_csv_export_keeps_numbers_and_guards_text(client_for, member, seed):
    response = client_for(member).get(URL, {"week": "2024-W33", "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="kpi-values-2024-W33.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    throughput = by_kpi(rows, "需求吞吐率")
    assert Decimal(throughput["This week"]) == Decimal("81.72")
    assert Decimal(throughput["Last week"]) == Decimal("96.05")
    assert Decimal(throughput["Change"]) == Decimal("-14.33")
    assert Decimal(throughput["Relative change (%)"]) == Decimal("-14.92")
    assert throughput["Unit"] == "%"
    assert Decimal(throughput["Target"]) == Decimal("90")
    assert throughput["Target status"] == "Missed"
    assert throughput["Note"] == "'-14.33 pp 需求积压"
    delivered = by_kpi(rows, "需求交付数")
    assert delivered["This week"] == "313"
    assert delivered["Change"] == "21"
    assert delivered["Relative change (%)"] == "7.19"
    assert delivered["Note"] == '\'=HYPERLINK("http://evil.example","click")'
    assert delivered["Team"] == "Payments"
    assert delivered["Direction"] == "Higher is better"


def test_xlsx_export_has_numeric_cells(client_for, member, seed):
    response = client_for(member).get(URL, {"week": "2024-W33", "_export": "xlsx"})
    assert response.status_code == 200
    assert 'filename="kpi-values-2024-W33.xlsx"' in response["Content-Disposition"]
    rows = read_xlsx(response)
    throughput = by_kpi(rows, "需求吞吐率")
    assert isinstance(throughput["Change"], int | float)
    assert throughput["Change"] == pytest.approx(-14.33)
    assert throughput["Relative change (%)"] == pytest.approx(-14.92)
    assert throughput["This week"] == pytest.approx(81.72)
    delivered = by_kpi(rows, "需求交付数")
    # A text cell, guarded without a visible apostrophe (tests/reports/test_xlsx_export.py reads its type).
    assert delivered["Note"] == '=HYPERLINK("http://evil.example","click")'
    assert delivered["Change"] == 21


def test_xlsx_export_survives_control_characters(client_for, member, team):
    kpi = make_kpi(team, "Pasted")
    make_value(kpi, "2024-W33", 1, note="copied\x01from\x07a terminal")
    response = client_for(member).get(URL, {"_export": "xlsx"})
    assert response.status_code == 200
    assert read_xlsx(response)[0]["Note"] == "copiedfroma terminal"


def test_first_week_exports_empty_comparison(client_for, member, seed):
    rows = read_csv(client_for(member).get(URL, {"week": "2024-W32", "_export": "csv"}))
    throughput = by_kpi(rows, "需求吞吐率", week="2024-W32")
    assert throughput["Last week"] == ""
    assert throughput["Change"] == ""
    assert throughput["Relative change (%)"] == ""


def test_export_contains_whole_filtered_result_not_one_page(client_for, member, team):
    for number in range(60):
        make_value(make_kpi(team, f"K{number:02d}"), "2024-W33", number)
    other = make_kpi(team, "Elsewhere")
    make_value(other, "2024-W30", 1)
    rows = read_csv(client_for(member).get(URL, {"week": "2024-W33", "_export": "csv", "page": "2"}))
    assert len(rows) == 60
    assert all(row["Week"] == "2024-W33" for row in rows)


def test_export_follows_the_sort(client_for, member, seed):
    rows = read_csv(client_for(member).get(URL, {"week": "2024-W33", "sort": "change", "_export": "csv"}))
    assert [row["KPI"] for row in rows] == ["需求吞吐率", "需求交付数"]


def test_export_without_week_is_named_for_all_values(client_for, member, seed):
    response = client_for(member).get(URL, {"_export": "csv"})
    assert 'filename="kpi-values.csv"' in response["Content-Disposition"]
    assert len(read_csv(response)) == 4


@pytest.mark.parametrize("export_format", ["xml", "json", "", "CSV", "../etc"])
def test_unknown_export_format_renders_the_page(client_for, member, seed, export_format):
    response = client_for(member).get(URL, {"_export": export_format})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_export_with_invalid_filters_shows_the_errors_instead(client_for, member, seed):
    response = client_for(member).get(URL, {"week": "2024-W99", "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "week" in response.context["filter"].form.errors


def test_anonymous_export_is_sent_to_login(client, seed):
    response = client.get(URL, {"_export": "csv"})
    assert response.status_code == 302


def test_page_links_to_exports_with_its_filters(client_for, member, seed):
    response = client_for(member).get(URL, {"week": "2024-W33", "page": "1"})
    links = dict(response.context["export_links"])
    assert links["CSV"] == "?week=2024-W33&_export=csv"
    assert links["XLSX"] == "?week=2024-W33&_export=xlsx"


def test_csv_export_query_count_does_not_grow_with_rows(client_for, member, team, django_assert_num_queries):
    client = client_for(member)

    def export_queries():
        with django_assert_num_queries(3):
            response = client.get(URL, {"_export": "csv"})
            return read_csv(response)

    kpi = make_kpi(team, "Grows")
    make_value(kpi, "2024-W30", 1)
    assert len(export_queries()) == 1
    for number in range(30):
        make_value(make_kpi(team, f"More {number}"), "2024-W33", number)
    assert len(export_queries()) == 31
