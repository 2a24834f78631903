"""incidents.summary owns a week's incident figures; the overview and the team week show its numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from common.weeks import IsoWeek
from incidents.models import Incident
from incidents.summary import summarize_incidents
from pages import dashboards
from tests.factories import make_incident

W33 = IsoWeek(2024, 33)


def at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime(2024, 8, day, hour, minute))


@pytest.mark.django_db
def test_summary_of_this_week_against_last(team):
    make_incident(team, at(12, 9, 27), grade="C", responsibility_share=Decimal("0.5"), resolved_at=at(12, 10))
    make_incident(team, at(14, 9), detection=Incident.Detection.PROACTIVE)
    make_incident(team, at(7, 10), grade="B")  # 2024-W32
    incidents = Incident.objects.select_related("week").order_by("started_at")

    summary = summarize_incidents(incidents, W33)

    assert summary.count == 2
    assert summary.tally == [("A", 0, 0), ("B", 0, Decimal("1")), ("C", Decimal("0.5"), 0), ("D", 0, 0)]
    assert summary.mean_time_to_resolve == dt.timedelta(minutes=33)
    assert summary.proactive_share == Decimal("50.0")


@pytest.mark.django_db
def test_overview_and_team_week_show_the_same_summary(team):
    make_incident(team, at(13, 16, 57), grade="C", resolved_at=at(13, 18, 20))
    overview = dashboards.department_week(W33).incidents
    team_week = dashboards.team_week(team, W33).incidents
    assert overview.tally == team_week.tally
    assert overview.mean_time_to_resolve == team_week.mean_time_to_resolve == dt.timedelta(minutes=83)
