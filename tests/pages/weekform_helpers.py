"""Helpers shared by the weekly-form tests: the payments team's last week, and a form's POST data."""

from __future__ import annotations

from django.apps import apps
from django.forms import BooleanField
from django.urls import reverse

from okrs.models import KeyResult
from reports.models import KPI, PlanItem, ReportSection, TodoItem
from tests.factories import make_key_result, make_kpi, make_objective, make_report, make_update, make_value

LAST_WEEK = "2024-W33"
THIS_WEEK = "2024-W34"


def edit_url(team, week=THIS_WEEK):
    return reverse("team-week-edit", kwargs={"team": team.slug, "week": week})


def build_last_week(team):
    """The seed's figures as last week's report of `team`, so 2024-W34 starts from them."""
    delivered = make_kpi(team, "需求交付数", group="效能度量", unit=KPI.Unit.COUNT, position=1)
    throughput = make_kpi(team, "需求吞吐率", group="效能度量", unit=KPI.Unit.PERCENT, decimals=2, position=2)
    success = make_kpi(
        team,
        "入金有效成功率",
        group="系统运行数据",
        unit=KPI.Unit.PERCENT,
        decimals=3,
        position=3,
    )
    make_value(delivered, "2024-W32", 292)
    make_value(delivered, LAST_WEEK, 313)
    make_value(throughput, "2024-W32", "96.05")
    make_value(throughput, LAST_WEEK, "81.72")
    make_value(success, LAST_WEEK, "99.998")
    objective = make_objective(team, "O1", title="业务服务")
    progress_kr = make_key_result(objective, title="对公收佣", position=1)
    value_kr = make_key_result(
        objective,
        title="新办卡",
        position=2,
        measure=KeyResult.Measure.VALUE,
        start_value=0,
        target_value=100,
        unit_label="张",
    )
    make_update(progress_kr, LAST_WEEK, 80)
    report = make_report(team, LAST_WEEK, status="submitted")
    ReportSection.objects.create(report=report, position=0, title="贝易转", body="累计交易1134笔")
    ReportSection.objects.create(report=report, position=1, title="支付安全", body="系统盘点")
    todo = TodoItem.objects.create(
        report=report, text="饱和度&代码量偏低的排查和宣导", section_title="效能度量"
    )
    plan = PlanItem.objects.create(report=report, text="贝易转业务拓展方案")
    return {
        "delivered": delivered,
        "throughput": throughput,
        "success": success,
        "progress_kr": progress_kr,
        "value_kr": value_kr,
        "report": report,
        "todo": todo,
        "plan": plan,
    }


def form_data(response) -> dict:
    """The POST a browser would send for the form as rendered (unchanged input)."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, BooleanField):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    for formset in (form.sections, form.todos, form.incidents):
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if name == "DELETE":
                    if value:
                        data[subform.add_prefix(name)] = "on"
                else:
                    data[subform.add_prefix(name)] = "" if value is None else value
    data.pop("action", None)
    return data


def database_state() -> dict:
    """Row counts of every table of the three apps, history tables included."""
    return {
        model._meta.label: model.objects.count()
        for app in ("reports", "okrs", "incidents")
        for model in apps.get_app_config(app).get_models()
    }
