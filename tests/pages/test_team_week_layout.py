"""The team week reads top-down: summary, KPIs, OKRs, incidents, narrative; actions in the head; log last."""

from django.urls import reverse

from incidents.models import Incident
from reports.models import KPI, WeeklyReport
from tests.factories import make_incident, make_kpi, make_report, make_value

W = "2024-W33"


def page(client, team):
    response = client.get(reverse("team-week", kwargs={"team": team.slug, "week": W}))
    assert response.status_code == 200
    return response.content.decode()


def test_summary_comes_first_and_the_folded_change_log_last(client_for, manager, team):
    make_report(team, W, status=WeeklyReport.Status.SUBMITTED)
    kpi = make_kpi(team, "吞吐率", unit=KPI.Unit.PERCENT, decimals=2, target=90)
    make_value(kpi, "2024-W32", "96.05")
    make_value(kpi, W, "81.72")
    html = page(client_for(manager), team)
    positions = [html.index(marker) for marker in ('id="summary"', 'id="kpis"', 'id="incidents"')]
    assert positions == sorted(positions)
    assert html.index('id="recent-changes"') > positions[-1]
    assert '<details class="card recent-changes" id="recent-changes">' in html
    head = html.split('class="dash-head"')[1].split("</header>")[0]
    assert "/publish/" in head  # the manager's action sits in the head, not in the log
    summary = html.split('id="summary"')[1].split("</section>")[0]
    assert "missed target 90.00%, met last week" in summary


def test_running_total_shows_its_weekly_increment_against_last_weeks(client_for, member, team):
    counter = make_kpi(team, "累计交易笔数", unit_label="笔", kind=KPI.Kind.CUMULATIVE)
    for week, value in (("2024-W31", 1040), ("2024-W32", 1087), (W, 1134)):
        make_value(counter, week, value)
    html = page(client_for(member), team)
    row = html.split('data-kpi="累计交易笔数"')[1].split("</tr>")[0]
    assert "+47笔" in row and "last week +47笔" in row and "cumulative" in row
    assert "tone-better" not in row  # a running total rising is not news


def test_summary_counts_incidents_as_the_overview_does_risk_warnings_apart(client_for, manager, team):
    make_report(team, W, status=WeeklyReport.Status.SUBMITTED)
    make_incident(team, kind=Incident.Kind.INCIDENT, grade="C")
    make_incident(team, kind=Incident.Kind.RISK)
    make_incident(team, kind=Incident.Kind.CHANGE)
    summary = page(client_for(manager), team).split('id="summary"')[1].split("</section>")[0]
    text = " ".join(summary.split())
    assert "1 incident this week</a>" in text
    assert "(+2 risk warnings or changes)" in text
