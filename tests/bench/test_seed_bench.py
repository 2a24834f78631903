"""seed_bench: the planned rows at a small scale, plausible values, repeatable with a seed."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from bench.generator import LAST_WEEK, Plan
from incidents.models import FollowUpAction, Incident, week_of
from okrs.models import KeyResult, KeyResultUpdate, Objective
from reports.models import KPI, KPIValue, PlanItem, ReportSection, Team, TodoItem, Week, WeeklyReport

WEEKS = 8


def seed(**options):
    out = StringIO()
    options.setdefault("scale", 1)
    options.setdefault("weeks", WEEKS)
    # pytest-django runs with DEBUG off, where the command wants --force.
    options.setdefault("force", True)
    call_command("seed_bench", stdout=out, **options)
    return out.getvalue()


def snapshot():
    """Everything the generator chose, without ids or timestamps."""
    return {
        "values": sorted(
            KPIValue.objects.values_list("kpi__team__slug", "kpi__name", "week__starts_on", "value", "note")
        ),
        "kpis": sorted(
            KPI.objects.values_list("team__slug", "name", "unit", "direction", "target", "decimals")
        ),
        "updates": sorted(
            KeyResultUpdate.objects.values_list("key_result__title", "week__starts_on", "progress", "status")
        ),
        "incidents": sorted(
            Incident.objects.values_list("team__slug", "started_at", "resolved_at", "grade", "kind", "title")
        ),
        "sections": sorted(ReportSection.objects.values_list("report__week__starts_on", "title", "body")),
    }


def counts():
    models = [Team, KPI, KPIValue, WeeklyReport, ReportSection, KeyResultUpdate, Incident, Week, TodoItem]
    return {model.__name__: model.objects.count() for model in models}


def test_plan_formula_gives_thirty_teams_and_about_600k_values_at_scale_100():
    assert Plan(1, 520).teams == 1
    assert Plan(10, 520).teams == 3
    plan = Plan(100, 520)
    assert plan.teams == 30
    assert plan.kpis == 1200
    assert plan.kpi_values == 30 * (38 * 520 + 2 * 260) == 608_400
    assert plan.key_results == 600
    assert plan.key_result_updates == 312_000
    assert plan.incidents == 30 * 666


@pytest.mark.django_db
def test_small_scale_creates_exactly_the_planned_rows():
    seed(scale=10)
    plan = Plan(10, WEEKS)
    assert Team.objects.count() == plan.teams == 3
    assert KPI.objects.count() == plan.kpis == 120
    assert KPIValue.objects.count() == plan.kpi_values
    assert WeeklyReport.objects.count() == plan.reports == 3 * WEEKS
    assert ReportSection.objects.count() == 3 * plan.reports
    assert PlanItem.objects.count() == 2 * plan.reports
    assert TodoItem.objects.count() == plan.teams * (WEEKS // 4)
    assert Objective.objects.count() == 4 * plan.teams
    assert KeyResult.objects.count() == plan.key_results == 60
    assert KeyResultUpdate.objects.count() == plan.key_result_updates
    assert Incident.objects.count() == plan.incidents
    assert FollowUpAction.objects.count() == plan.incidents
    # Bulk-created: no per-row history.
    assert KPIValue.history.count() == 0
    assert Incident.history.count() == 0


@pytest.mark.django_db
def test_weeks_end_at_the_seed_week_with_iso_year_and_number():
    seed()
    weeks = list(Week.objects.order_by("starts_on"))
    assert len(weeks) == WEEKS
    assert weeks[-1].starts_on == LAST_WEEK.monday
    assert all(week.iso.monday == week.starts_on for week in weeks)
    assert [str(week) for week in weeks[-2:]] == ["2024-W32", "2024-W33"]


@pytest.mark.django_db
def test_values_stay_within_their_unit_and_decimals():
    seed()
    for value in KPIValue.objects.select_related("kpi"):
        assert value.value >= 0
        if value.kpi.unit == KPI.Unit.PERCENT:
            assert value.value <= 100
        if value.kpi.unit == KPI.Unit.COUNT:
            assert value.value == value.value.to_integral_value()
        assert value.value == value.value.quantize(Decimal(1).scaleb(-value.kpi.decimals))


@pytest.mark.django_db
def test_late_kpis_start_half_way_so_new_values_exist():
    seed()
    late = KPI.objects.get(position=39)
    first = late.values.order_by("week__starts_on").first()
    assert late.values.count() == WEEKS - WEEKS // 2
    assert first.week.starts_on == LAST_WEEK.shifted(-(WEEKS - WEEKS // 2 - 1)).monday


@pytest.mark.django_db
def test_incidents_belong_to_the_week_they_started_in_and_resolve_after_start():
    seed()
    incidents = list(Incident.objects.select_related("week"))
    assert incidents
    for incident in incidents:
        assert incident.week.iso == week_of(incident.started_at)
        assert incident.resolved_at is None or incident.resolved_at >= incident.started_at


@pytest.mark.django_db
def test_every_team_has_a_lead_who_can_edit_it():
    seed(scale=10)
    for team in Team.objects.prefetch_related("leads"):
        assert [lead.username for lead in team.leads.all()] == [f"bench-lead-{team.slug[-3:]}"]


@pytest.mark.django_db
def test_second_run_with_same_seed_changes_nothing():
    seed()
    before, rows = snapshot(), counts()
    out = seed()
    assert "already here; nothing to do" in out
    assert counts() == rows
    assert snapshot() == before


@pytest.mark.django_db
def test_fresh_run_with_same_seed_gives_identical_data():
    seed()
    before, rows = snapshot(), counts()
    seed(fresh=True)
    assert counts() == rows
    assert snapshot() == before


@pytest.mark.django_db
def test_other_seed_is_refused_without_fresh_and_nothing_changes():
    seed()
    before = snapshot()
    with pytest.raises(CommandError, match="--fresh"):
        seed(seed=7)
    assert snapshot() == before
    seed(seed=7, fresh=True)
    assert snapshot()["values"] != before["values"]
    assert counts()["KPIValue"] == Plan(1, WEEKS).kpi_values


@pytest.mark.django_db
def test_refuses_with_debug_off_unless_forced():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG off"):
        seed(force=False)
    assert Team.objects.count() == 0
    with override_settings(DEBUG=True):
        seed(force=False)
    assert Team.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("options", [{"scale": 0}, {"scale": -3}, {"weeks": 1}, {"weeks": 5000}])
def test_bad_sizes_are_rejected_and_nothing_is_written(options):
    with pytest.raises(CommandError):
        seed(**options)
    assert Team.objects.count() == 0
    assert KPIValue.objects.count() == 0


@pytest.mark.django_db
def test_every_team_has_two_incidents_in_the_last_week_one_still_open():
    seed(scale=10)
    for team in Team.objects.all():
        last = Incident.objects.filter(team=team, week__starts_on=LAST_WEEK.monday)
        # Two placed there; the rest of the history may add more.
        assert last.count() >= 2
        assert last.filter(resolved_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_a_team_gets_the_same_data_whatever_the_scale():
    seed(scale=1)
    alone = [row for row in snapshot()["values"] if row[0] == "bench-000"]
    seed(scale=10, fresh=True)
    among_others = [row for row in snapshot()["values"] if row[0] == "bench-000"]
    assert alone == among_others


@pytest.mark.django_db
def test_ends_with_fresh_planner_statistics():
    """FINDINGS §1: without ANALYZE after the bulk load, SQLite sorts every KPI value for /kpis/."""
    seed()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'reports_kpivalue'")
        else:
            # reltuples is -1 until the table is first analyzed, and ANALYZE sets it in the transaction.
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'reports_kpivalue'")
        (statistics,) = cursor.fetchone()
    assert statistics > 0
