"""Migration reports 0003: typed incident counts become computed, and every disagreement is reported."""

import datetime as dt
import io
from contextlib import redirect_stdout
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reports", "0002_role_groups"), ("incidents", "0003_incident_kinds_and_unknown_detection")]
AFTER = [("reports", "0003_kpi_computed")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_afterwards():
    """Later tests on this worker need every migration: the test stops at reports 0003, not the leaf."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("latest_schema_afterwards")
def test_typed_incident_counts_become_computed_and_disagreements_are_reported():
    old = migrate(BEFORE)
    Team, Week, KPI, KPIValue = (
        old.get_model("reports", name) for name in ("Team", "Week", "KPI", "KPIValue")
    )
    WeeklyReport, Incident = old.get_model("reports", "WeeklyReport"), old.get_model("incidents", "Incident")
    team = Team.objects.create(name="Payments", slug="payments")
    w32 = Week.objects.create(year=2024, number=32, starts_on=dt.date(2024, 8, 5))
    w33 = Week.objects.create(year=2024, number=33, starts_on=dt.date(2024, 8, 12))
    kpi = {"team": team, "group": "系统运行数据", "unit": "number", "decimals": 1, "unit_label": "次"}
    c_grade = KPI.objects.create(name="C级事故数", aliases="事故数C级", **kpi)
    d_grade = KPI.objects.create(name="D级事故数", **kpi)
    KPI.objects.create(name="事故数AB级", **kpi)
    bugs = KPI.objects.create(name="主动发现率", team=team, unit="percent")
    WeeklyReport.objects.create(team=team, week=w32)
    start = timezone.make_aware(dt.datetime(2024, 8, 12, 9, 27))
    Incident.objects.create(
        team=team, week=w33, title="POS", grade="C", responsibility_share=Decimal("0.5"), started_at=start
    )
    KPIValue.objects.create(kpi=c_grade, week=w33, value=Decimal("0.5"))  # agrees
    KPIValue.objects.create(kpi=d_grade, week=w33, value=Decimal("1"), note="typed by hand")  # disagrees
    KPIValue.objects.create(kpi=bugs, week=w33, value=Decimal("50"))

    out = io.StringIO()
    with redirect_stdout(out):
        new = migrate(AFTER)

    printed = out.getvalue()
    assert "Payments · D级事故数 · 2024-W33: typed 1, incident records 0" in printed
    assert "C级事故数" not in printed
    KPI, KPIValue = new.get_model("reports", "KPI"), new.get_model("reports", "KPIValue")
    kinds = dict(KPI.objects.values_list("name", "computed_from"))
    assert kinds == {
        "C级事故数": "incidents_c",
        "D级事故数": "incidents_d",
        "事故数AB级": "incidents_ab",
        "主动发现率": "",  # a bug KPI, not counted from incidents
    }
    assert set(KPI.objects.exclude(computed_from="").values_list("unit", flat=True)) == {"count"}
    d_value = KPIValue.objects.get(kpi__name="D级事故数", week__number=33)
    assert d_value.value == 0
    assert d_value.note.startswith("typed by hand\n") and "Typed 1, incident records 0" in d_value.note
    assert KPIValue.objects.get(kpi__name="C级事故数", week__number=33).value == Decimal("0.5")
    # A reported week without records gets its zero; the bug KPI keeps its typed 50.
    assert KPIValue.objects.get(kpi__name="事故数AB级", week__number=32).value == 0
    assert KPIValue.objects.get(kpi__name="主动发现率").value == 50
