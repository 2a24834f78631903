"""XLSX exports as a spreadsheet user expects them, read back by a reader other than the writer.

Real dates and times (in the site's time zone), numbers as numbers, a bold frozen header with a
filter, columns as wide as their content, and text that starts like a formula kept as text without
a visible apostrophe.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_incident, make_key_result, make_kpi, make_objective, make_update, make_value
from tests.spreadsheet import read_xlsx

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def world(team):
    delivered = make_kpi(team, "需求交付数", group="效能度量", unit_label="个")
    make_value(delivered, "2024-W32", 292)
    make_value(delivered, "2024-W33", 313, note=FORMULA)
    key_result = make_key_result(make_objective(team, "O1"), title="对公收佣", eta=dt.date(2024, 9, 10))
    make_update(key_result, "2024-W33", 80)
    started = timezone.make_aware(dt.datetime(2024, 8, 12, 1, 27), dt.UTC)  # 09:27 in Shanghai
    make_incident(
        team, title="POS卡类型试算失败", started_at=started, resolved_at=started + dt.timedelta(minutes=89)
    )


def _export(client, name, **params):
    response = client.get(reverse(name), {"_export": "xlsx", **params})
    assert response.status_code == 200
    return read_xlsx(response.content)


def test_incident_times_are_date_time_cells_in_the_site_time_zone(client_for, member, world, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    sheet = _export(client_for(member), "incident-list")
    (incident,) = sheet.records()
    assert incident["Started"] == dt.datetime(2024, 8, 12, 9, 27)
    assert incident["Resolved"] == dt.datetime(2024, 8, 12, 10, 56)
    assert incident["Time to resolve (min)"] == 89
    started = sheet.cells[f"{_column(sheet, 'Started')}2"]
    assert started.type == "n" and started.number_format == "yyyy-mm-dd hh:mm"


def test_dates_are_date_cells_and_numbers_numbers(client_for, member, world):
    (item,) = _export(client_for(member), "okr-list", week="2024-W33").records()
    assert item["ETA"] in (dt.date(2024, 9, 10), dt.datetime(2024, 9, 10))
    assert item["Progress (%)"] == 80


def test_header_is_bold_frozen_and_filtered_with_columns_as_wide_as_their_text(client_for, member, world):
    sheet = _export(client_for(member), "kpi-list")
    header = sheet.rows[0]
    assert all(sheet.cells[f"{_letter(index)}1"].bold for index in range(1, len(header) + 1))
    assert not sheet.cells["A2"].bold
    assert sheet.frozen_rows == 1
    assert sheet.filter_ref == f"A1:{_letter(len(header))}{len(sheet.rows)}"
    assert set(sheet.widths) == set(range(1, len(header) + 1))
    note = header.index("Note") + 1
    assert sheet.widths[note] >= len(FORMULA)
    # Chinese characters are two columns wide: 需求交付数 needs ten.
    assert sheet.widths[header.index("KPI") + 1] >= 10


def test_formula_like_text_stays_text_without_a_visible_mark(client_for, member, world):
    sheet = _export(client_for(member), "kpi-list", week="2024-W33")
    (row,) = sheet.records()
    assert row["Note"] == FORMULA
    cell = sheet.cells[f"{_column(sheet, 'Note')}2"]
    assert cell.formula is None
    assert cell.type in ("s", "inlineStr", "str")
    # Excel's hidden apostrophe: the cell stays text if someone edits it.
    assert cell.quote_prefix
    # Plain text is not marked, and no cell of the sheet is a formula.
    assert not sheet.cells[f"{_column(sheet, 'KPI')}2"].quote_prefix
    assert all(cell.formula is None for cell in sheet.cells.values())


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _column(sheet, title: str) -> str:
    return _letter(sheet.rows[0].index(title) + 1)
