"""Each rule the data must keep is a database constraint: try to break it and see it refused."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents.models import Incident
from okrs.models import KeyResultUpdate
from reports.models import KPI, KPIValue, Week, WeeklyReport
from tests.factories import (
    make_incident,
    make_key_result,
    make_kpi,
    make_report,
    make_update,
    make_value,
    make_week,
)

pytestmark = pytest.mark.django_db

STARTED = timezone.make_aware(dt.datetime(2024, 8, 12, 9, 27))


def refused(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_one_value_per_kpi_and_week():
    kpi = make_kpi()
    make_value(kpi, "2024-W33", 313)
    refused(lambda: KPIValue.objects.create(kpi=kpi, week=make_week("2024-W33"), value=1))
    assert KPIValue.objects.get(kpi=kpi).value == 313


def test_one_report_per_team_and_week(team):
    make_report(team, "2024-W33")
    refused(lambda: WeeklyReport.objects.create(team=team, week=make_week("2024-W33")))
    assert WeeklyReport.objects.filter(team=team).count() == 1


def test_one_update_per_key_result_and_week():
    key_result = make_key_result()
    make_update(key_result, "2024-W33", 80)
    refused(lambda: KeyResultUpdate.objects.create(key_result=key_result, week=make_week("2024-W33")))


@pytest.mark.parametrize("progress", ["-0.01", "100.01", "-5"])
def test_progress_outside_0_to_100_is_refused(progress):
    key_result = make_key_result()
    refused(lambda: make_update(key_result, "2024-W33", progress))
    assert not KeyResultUpdate.objects.exists()


@pytest.mark.parametrize("progress", ["0", "100", "80.5"])
def test_progress_within_0_to_100_is_kept(progress):
    update = make_update(make_key_result(), "2024-W33", progress)
    update.refresh_from_db()
    assert str(update.progress.normalize()) == str(type(update.progress)(progress).normalize())


@pytest.mark.parametrize("field", ["detected_at", "mitigated_at", "resolved_at"])
def test_incident_times_before_its_start_are_refused(field):
    refused(lambda: make_incident(started_at=STARTED, **{field: STARTED - dt.timedelta(minutes=1)}))
    assert not Incident.objects.exists()


def test_incident_times_at_or_after_start_are_kept():
    incident = make_incident(
        started_at=STARTED,
        detected_at=STARTED,
        mitigated_at=STARTED,
        resolved_at=STARTED + dt.timedelta(hours=1),
    )
    assert incident.time_to_resolve == dt.timedelta(hours=1)


@pytest.mark.parametrize("share", ["-0.5", "1.5"])
def test_responsibility_share_outside_0_to_1_is_refused(share):
    refused(lambda: make_incident(responsibility_share=share))


def test_kpi_names_are_unique_within_a_team(team, other_team):
    make_kpi(team, "需求交付数")
    make_kpi(other_team, "需求交付数")
    refused(lambda: make_kpi(team, "需求交付数"))


def test_kpi_decimals_above_6_are_refused():
    refused(lambda: make_kpi(decimals=7))


def test_week_number_beyond_53_is_refused():
    refused(lambda: Week.objects.bulk_create([Week(year=2024, number=54, starts_on=dt.date(2030, 1, 7))]))


def test_week_year_and_number_follow_its_monday():
    week = Week.objects.create(starts_on=dt.date(2024, 12, 30), year=1, number=1)
    assert (week.year, week.number) == (2025, 1)


def test_decimal_values_are_stored_exactly():
    kpi = make_kpi(unit=KPI.Unit.PERCENT, decimals=3)
    make_value(kpi, "2024-W33", "99.998")
    stored = KPIValue.objects.get(kpi=kpi).value
    assert stored == type(stored)("99.998")
    assert f"{stored.normalize()}" == "99.998"


def test_incident_week_follows_its_start_in_local_time():
    # 2024-08-18 23:30 in Shanghai is Sunday of W33, although it is still Sunday 15:30 UTC.
    late_sunday = timezone.make_aware(dt.datetime(2024, 8, 18, 23, 30))
    assert str(make_incident(started_at=late_sunday).week) == "2024-W33"
    early_monday = timezone.make_aware(dt.datetime(2024, 8, 19, 0, 30))
    assert str(make_incident(started_at=early_monday).week) == "2024-W34"
