"""The KPI page's hand-written loops print what the template loops they replaced printed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from common.weeks import IsoWeek
from incidents.models import Incident
from pages.kpi_history_html import chart_incidents, history_rows, incident_items
from reports.comparison import kpi_history
from reports.models import KPI, KPIValue
from tests.factories import make_kpi, make_value, make_week

# The loops of templates/reports/kpi_detail.html before they moved to pages/kpi_history_html.py.
BEFORE = (Path(__file__).parent / "kpi_detail_loops_before.html").read_text().split("{# -- #}\n")
OLD_ROWS, OLD_INCIDENTS = BEFORE


def old(fragment: str, **context) -> str:
    return Template("{% load i18n report_tags %}" + fragment.strip()).render(Context(context))


@pytest.fixture
def kpi(team):
    kpi = make_kpi(team, "<b>吞吐率</b>", unit=KPI.Unit.PERCENT, decimals=2, target="90")
    for week, value, note in [
        ("2024-W28", "91", ""),
        ("2024-W29", "90", "a\nb <i>"),
        ("2024-W31", "0", ""),
        ("2024-W32", "85.5", "=1"),
        ("2024-W33", "85.5", ""),
    ]:
        make_value(kpi, week, value, note=note)
    KPIValue.objects.create(kpi=kpi, week=make_week("2024-W34"), value=None, note="missing")
    count = make_kpi(team, "bugs", direction=KPI.Direction.LOWER_IS_BETTER, unit_label="个<")
    make_value(count, "2024-W32", 3)
    make_value(count, "2024-W33", "4.5")
    return kpi


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_history_rows_match_the_template_loop(kpi, language):
    with translation.override(language):
        for each in KPI.objects.select_related("team"):
            rows = list(reversed(kpi_history(each)))
            assert rows
            assert str(history_rows(each, rows)) == old(OLD_ROWS, rows=rows, kpi=each)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_incident_items_match_the_template_loop(kpi, team, language):
    start = timezone.make_aware(dt.datetime(2024, 8, 13, 9, 27))
    for grade, kind, title in [
        ("C", Incident.Kind.INCIDENT, "POS <卡>"),
        ("", Incident.Kind.CHANGE, "x & y"),
    ]:
        Incident.objects.create(team=team, grade=grade, kind=kind, title=title, started_at=start)
    incidents = list(Incident.objects.select_related("week", "team").order_by("started_at", "pk"))
    kpi = KPI.objects.select_related("team").get(pk=kpi.pk)
    rows = chart_incidents(kpi, IsoWeek(2024, 1), IsoWeek(2024, 52))
    assert [row.pk for row in rows] == [incident.pk for incident in incidents]
    with translation.override(language):
        assert str(incident_items(kpi, rows)) == old(OLD_INCIDENTS, incidents=incidents, kpi=kpi)
