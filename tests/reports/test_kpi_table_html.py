"""The week's KPI table rows written in Python print what the template's row loop printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from common.weeks import IsoWeek
from pages.dashboards import team_week
from reports.kpi_table_html import kpi_rows
from reports.models import KPI, KPIValue
from tests.factories import make_kpi, make_value, make_week

# The row loop of templates/reports/_kpi_table.html before it moved to reports/kpi_table_html.py.
BEFORE = (Path(__file__).parent / "kpi_table_rows_before.html").read_text()


def old(rows) -> str:
    return Template("{% load i18n report_tags %}" + BEFORE.strip()).render(Context({"group": {"rows": rows}}))


@pytest.fixture
def week(team):
    series = {
        make_kpi(team, "<吞吐率>", unit=KPI.Unit.PERCENT, decimals=2, target="90"): ["96.05", "81.72"],
        make_kpi(team, "bugs", direction=KPI.Direction.LOWER_IS_BETTER, target="10"): [12, 9],
        make_kpi(team, "zero", unit=KPI.Unit.NUMBER, decimals=1, target="5"): [0, 3],
        make_kpi(team, "neutral", direction=KPI.Direction.NEUTRAL): [3, 3],
        make_kpi(team, "累计", kind=KPI.Kind.CUMULATIVE, unit_label="笔"): [1000, 1100, 1134],
        make_kpi(team, "本月", kind=KPI.Kind.MONTH_TO_DATE, unit=KPI.Unit.CURRENCY, unit_label="万元"): [
            None,
            5,
        ],
        make_kpi(team, "new one"): [None, 7],
    }
    for kpi, values in series.items():
        weeks = ["2024-W31", "2024-W32", "2024-W33"][-len(values) :]
        for iso, value in zip(weeks, values, strict=True):
            if value is not None:
                make_value(
                    kpi, iso, value, note="a <b>\nline" if kpi.name == "bugs" and iso == "2024-W33" else ""
                )
    KPIValue.objects.create(
        kpi=make_kpi(team, "missing", target="1"), week=make_week("2024-W33"), value=None, note="why"
    )
    make_value(KPI.objects.get(name="missing"), "2024-W32", 4)
    return IsoWeek.parse("2024-W33")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_written_rows_equal_the_template_loop(team, week, language):
    with translation.override(language):
        rows = [row for group in team_week(team, week).kpi_groups for row in group.rows]
        assert len(rows) == 8
        written = str(kpi_rows(rows))
        assert (
            "running-total" in written
            and "badge-new" in written
            and "no value" in written
            or language != "en"
        )
        assert written == old(rows)
