"""The incident table's rows written in Python print what the template's row loop printed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone, translation

from incidents.models import Incident
from incidents.table_html import incident_rows
from tests.factories import make_incident, make_team

BEFORE = Path(__file__).with_name("incident_rows_before.html")


def _before(incidents, show_team) -> str:
    engine = Engine.get_default()
    template = engine.from_string(BEFORE.read_text(encoding="utf-8"))
    html = template.render(Context({"summary": {"incidents": incidents}, "show_team": show_team}))
    return html.split("<table>\n", 1)[1].rsplit("</table>", 1)[0]


@pytest.fixture
def records(team):
    other = make_team("风控 <&>", slug="risk")
    started = timezone.make_aware(dt.datetime(2024, 8, 12, 23, 55))
    return [
        make_incident(
            team,
            started,
            title="支付 <超时> & retry",
            grade="C",
            responsibility_share=Decimal("0.5"),
            detection=Incident.Detection.PROACTIVE,
            affected_system="pay-core",
            impact_count=12345,
            resolved_at=started + dt.timedelta(hours=1, minutes=29),
        ),
        make_incident(other, started + dt.timedelta(days=1), title="证书将过期", kind=Incident.Kind.RISK),
        make_incident(
            other,
            started + dt.timedelta(days=2),
            title="回滚",
            kind=Incident.Kind.CHANGE,
            grade="A",
            impact_count=1,
            detection=Incident.Detection.REPORTED,
        ),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("show_team", [True, False])
def test_written_rows_equal_the_template_loop(records, language, show_team):
    incidents = list(Incident.objects.select_related("team").order_by("started_at"))
    with translation.override(language):
        before = _before(incidents, show_team)
        written = incident_rows(incidents, show_team)
    assert written == before.removeprefix("      ").removesuffix("\n")
    assert "支付 &lt;超时&gt; &amp; retry" in written
    assert ("风控 &lt;&amp;&gt;" in written) is show_team


def test_the_summary_prints_the_written_rows(records):
    incidents = list(Incident.objects.select_related("team").order_by("started_at"))
    from common.weeks import IsoWeek
    from incidents.summary import summarize

    summary = summarize(incidents, IsoWeek.from_date(records[0].started_at.date()))
    html = render_to_string("reports/_incident_summary.html", {"summary": summary, "show_team": True})
    assert incident_rows(summary.incidents, True) in html
