"""The one incident summary: grade tally, mean time to resolve (incidents only), share found by the team."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from common.weeks import IsoWeek
from incidents import summary
from incidents.models import Incident
from reports.models import KPI
from tests.factories import make_incident, make_kpi

pytestmark = pytest.mark.django_db
W33 = IsoWeek(2024, 33)


def at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime(2024, 8, day, hour, minute))


def test_a_risk_warning_does_not_stretch_the_mean_time_to_resolve(team):
    make_incident(team, at(12, 9, 27), resolved_at=at(12, 10, 3), detection="proactive")
    # A certificate about to expire: open for days, never an outage.
    make_incident(team, at(13, 9), kind=Incident.Kind.RISK, resolved_at=at(16, 9), detection="proactive")
    make_incident(team, at(14, 20), kind=Incident.Kind.CHANGE, resolved_at=at(14, 23))
    week = summary.summarize(Incident.objects.select_related("week"), W33)
    assert week.mean_time_to_resolve == dt.timedelta(minutes=36) and week.resolved_count == 1
    assert (week.count, week.incident_count, week.other_count) == (3, 1, 2)


def test_the_share_found_by_the_team_leaves_unknown_discovery_out(team):
    make_incident(team, at(12, 9), detection="proactive")
    make_incident(team, at(12, 10), detection="reported")
    make_incident(team, at(12, 11))  # discovery not stated: the default
    make_incident(team, at(12, 12), kind=Incident.Kind.RISK, detection="proactive")
    week = summary.summarize(Incident.objects.select_related("week"), W33)
    assert (week.proactive_count, week.known_detection_count, week.proactive_share) == (1, 2, Decimal("50.0"))


def test_no_known_discovery_gives_no_share(team):
    make_incident(team, at(12, 9))
    assert summary.summarize(Incident.objects.select_related("week"), W33).proactive_share is None


def test_each_metric_has_its_own_label():
    labels = [str(label) for label in summary.LABELS.values()]
    assert len(set(labels)) == len(labels)
    assert "主动发现率" not in labels


def test_tally_line_counts_shares_in_the_house_format(team):
    kpis = [
        make_kpi(team, name, unit=KPI.Unit.COUNT, decimals=1, unit_label="次", computed_from=kind)
        for name, kind in [
            ("AB级事故数", KPI.Computed.INCIDENTS_AB),
            ("C级事故数", KPI.Computed.INCIDENTS_C),
            ("D级事故数", KPI.Computed.INCIDENTS_D),
        ]
    ]
    records = [
        make_incident(team, at(12, 9), grade="C", responsibility_share=Decimal("0.5")),
        make_incident(team, at(13, 9), grade="", kind=Incident.Kind.RISK),
    ]
    assert summary.tally_line(kpis, records) == "事故数AB级0次，C级0.5次，D级0次"
