"""load_demo: the seed week 2024-W33 lands complete and exact, history is generated, reruns change nothing."""

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from common.markdown import render_markdown
from incidents.models import Incident
from incidents.summary import computed_value
from okrs.models import KeyResult, KeyResultUpdate, Objective
from pages.demo.history import generate
from reports.access import LEADS_GROUP, MANAGERS_GROUP
from reports.models import KPI, KPIValue, Team, TodoItem, WeeklyReport

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


def run_load_demo() -> str:
    # pytest-django runs tests with DEBUG off, as production would; the demo is for DEBUG on.
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    return run_load_demo()


def value(name, week, team="payments"):
    return KPIValue.objects.select_related("kpi").get(kpi__team__slug=team, kpi__name=name, week__number=week)


def test_efficiency_figures_of_both_weeks_are_stated_not_generated(demo):
    delivered = value("需求交付数", 33)
    assert (delivered.value, value("需求交付数", 32).value) == (Decimal("313"), Decimal("292"))
    assert (delivered.kpi.unit, delivered.kpi.decimals, delivered.kpi.direction) == ("count", 0, "up")
    assert value("需求吞吐率", 33).value == Decimal("81.72")
    assert value("需求吞吐率", 32).value == Decimal("96.05")
    assert value("需求吞吐率", 33).kpi.unit == "percent"
    assert value("代码当量", 32).value == Decimal("4990.8")
    assert not any(value(name, week).is_generated for name in ("需求交付数", "延期率") for week in (32, 33))


def test_delay_rate_keeps_the_breakdown_as_its_note(demo):
    delay = value("延期率", 33)
    assert (delay.value, value("延期率", 32).value) == (Decimal("4.79"), Decimal("3.08"))
    assert delay.kpi.direction == "down"
    assert "11个属于忘记拖动卡片" in delay.note
    assert "【需求ID：50397761】" in delay.note


def test_success_rates_are_stored_exactly_with_three_decimals(demo):
    for name, expected in [
        ("入金有效成功率", "99.998"),
        ("出金有效成功率", "99.989"),
        ("年度可用性", "99.998"),
    ]:
        stored = value(name, 33)
        assert stored.value == Decimal(expected)
        assert stored.kpi.decimals == 3
    tally = value("C级事故数", 33)
    assert (tally.value, tally.kpi.decimals, tally.kpi.direction) == (Decimal("0.5"), 1, "down")


def test_money_is_currency_in_wan_yuan(demo):
    total = value("累计交易金额", 33)
    assert (total.value, total.kpi.unit, total.kpi.unit_label) == (Decimal("1829"), "currency", "万元")
    assert "总金额" in total.kpi.alias_list()
    assert value("平均单笔金额", 33).value == Decimal("1.69")
    assert value("累计交易笔数", 33).value == Decimal("1134")


def test_online_bugs_are_lower_is_better_with_the_seed_spellings_as_aliases(demo):
    bugs = KPI.objects.get(team__slug="payments", name="线上bug")
    assert bugs.direction == "down"
    assert "线上BUG" in bugs.alias_list()
    assert value("线上bug", 33).value == Decimal("12")


@pytest.mark.parametrize(
    "name, this_week, last_week",
    [
        ("身份证识别率", "95.66", "95.44"),
        ("港澳通行证识别率", "84.16", "83.94"),
        ("台湾通行证识别率", "86.11", "78.23"),
        ("房产证识别率", "62.28", "61.26"),
        ("房产证OCR1.0成功率", "56.99", "51.97"),
        ("房产证OCR2.0成功率", "65.77", "65.06"),
        ("房产证灵犀成功率", "43.64", "40.12"),
        ("AI自动初审占比", "56.32", "55.80"),
    ],
)
def test_docai_rates_last_week_is_this_week_minus_the_stated_change(demo, name, this_week, last_week):
    assert value(name, 33).value == Decimal(this_week)
    assert value(name, 32).value == Decimal(last_week)
    assert value(name, 33).kpi.group == "DocAI 识别率"
    assert not value(name, 32).is_generated


def test_objectives_o1_to_o4_hold_every_numbered_item(demo):
    objectives = Objective.objects.filter(team__slug="payments", period="2024-Q3")
    counts = {o.code: (o.title, o.key_results.count()) for o in objectives}
    assert counts == {
        "O1": ("业务服务", 6),
        "O2": ("能力升级", 8),
        "O3": ("平台治理", 6),
        "O4": ("支付 × AI", 4),
    }


def test_key_results_keep_progress_eta_and_the_full_text_as_this_weeks_note(demo):
    updates = KeyResultUpdate.objects.filter(week__number=33, key_result__objective__team__slug="payments")
    by_title = {u.key_result.title: u for u in updates.select_related("key_result")}
    assert len(by_title) == 24
    assert by_title["对公收佣"].progress == Decimal("80")
    assert by_title["对公收佣"].key_result.eta == dt.date(2024, 9, 10)
    assert by_title["新银收入"].progress == Decimal("85")
    assert by_title["芝麻免押"].progress == Decimal("70")
    assert by_title["芝麻免押"].key_result.eta == dt.date(2024, 9, 10)
    assert by_title["存管账户能力"].progress == Decimal("30")
    assert by_title["金融反诈平台"].progress == Decimal("100")
    assert by_title["POS投产"].status == "blocked"
    assert by_title["房屋交付"].progress is None
    assert by_title["AI审核二期"].note.startswith("AI审核二期，完成8种备件")
    for update in by_title.values():
        assert update.note == update.key_result.description
        assert not update.is_generated


def test_the_four_production_events_with_their_shanghai_times(demo):
    incidents = list(
        Incident.objects.filter(team__slug="payments", is_generated=False).order_by("started_at")
    )
    starts = [i.started_at.astimezone(SHANGHAI).replace(tzinfo=None) for i in incidents]
    assert starts == [
        dt.datetime(2024, 8, 12, 9, 27),
        dt.datetime(2024, 8, 13, 16, 57),
        dt.datetime(2024, 8, 13, 17, 7),
        dt.datetime(2024, 8, 15, 14, 36),
    ]
    pos, rollback, disk, forbidden = incidents
    assert pos.resolved_at == dt.datetime(2024, 8, 12, 10, 56, tzinfo=SHANGHAI)
    assert (rollback.kind, rollback.grade, rollback.responsibility_share) == ("change", "C", Decimal("0.5"))
    assert rollback.resolved_at == dt.datetime(2024, 8, 13, 18, 20, tzinfo=SHANGHAI)
    assert (disk.kind, disk.resolved_at) == ("risk", None)
    assert (forbidden.impact_count, forbidden.cause, forbidden.detection) == (
        201,
        "金融关闭了网络权限",
        "proactive",
    )
    assert {str(i.week) for i in incidents} == {"2024-W33"}


def test_seed_report_has_sections_todos_plans_other_and_reflections(demo):
    report = WeeklyReport.objects.get(team__slug="payments", week__number=33)
    assert report.status in {"submitted", "published"}
    assert not report.is_generated
    sections = list(report.sections.order_by("position"))
    assert [s.title for s in sections] == ["贝易转", "效能度量", "支付安全"]
    for part in ("省心租北京运行数据", "省心租业务渗透", "其他业务进展", "产研进展"):
        assert part in sections[0].body
    todos = list(report.todos.order_by("position"))
    assert len(todos) == 3
    assert {t.section_title for t in todos} == {"效能度量"}
    assert all(sub in todos[1].text for sub in ("Checklist是否加军规", "NPE的日志监控", "线上bug的通晒"))
    assert list(report.plans.order_by("position").values_list("text", flat=True)) == [
        "贝易转业务拓展方案",
        "理房通十周年活动准备",
        "好店商户调研和成都验证",
        "金融支付重点项目立项和进度评审",
        "市场化双周会等",
    ]
    for section in sections:
        html = render_markdown(section.body)
        assert "**" not in html, section.title
    assert "<strong>↑7.19%（292→313）</strong>" in render_markdown(sections[1].body)
    assert "<li>交易链路支持付款直联行——工行、交行</li>" in render_markdown(sections[0].body)
    assert "Luna离职工作交接" in report.other
    assert "共交付需求1411个" in report.reflections


def test_history_has_at_least_26_generated_weeks_for_every_kpi_and_key_result(demo):
    generated_reports = WeeklyReport.objects.filter(team__slug="payments", is_generated=True)
    assert generated_reports.count() >= 26
    assert generated_reports.filter(week__year=2024, week__number__in=range(7, 33)).count() == 26
    for kpi in KPI.objects.filter(team__slug="payments"):
        assert kpi.values.filter(is_generated=True).count() >= 25, kpi.name
    for key_result in KeyResult.objects.filter(objective__team__slug="payments"):
        assert key_result.updates.filter(is_generated=True).count() >= 26, key_result.title
    assert Incident.objects.filter(is_generated=True).exists()


def test_generated_values_respect_decimals_and_ranges(demo):
    for stored in KPIValue.objects.filter(is_generated=True).select_related("kpi"):
        step = Decimal(1).scaleb(-stored.kpi.decimals)
        assert stored.value == stored.value.quantize(step), (stored.kpi.name, stored.value)
        assert stored.value >= 0
        if stored.kpi.unit == "percent":
            assert stored.value <= 100, (stored.kpi.name, stored.value)
    progresses = KeyResultUpdate.objects.exclude(progress=None).values_list("progress", flat=True)
    assert all(0 <= p <= 100 for p in progresses)


def test_generated_progress_never_falls_from_week_to_week(demo):
    for key_result in KeyResult.objects.all():
        series = key_result.updates.order_by("week__starts_on").values_list("progress", flat=True)
        numbers = [p for p in series if p is not None]
        assert numbers == sorted(numbers), key_result.title


def test_generated_todos_are_closed_by_a_generated_report(demo):
    generated = TodoItem.objects.filter(report__is_generated=True).select_related("done_in")
    assert generated.exists()
    assert all(todo.done_in is not None and todo.done_in.is_generated for todo in generated)


def test_generated_incident_tally_matches_the_graded_incidents(demo):
    for stored in KPIValue.objects.filter(kpi__name="D级事故数", is_generated=True).select_related("week"):
        shares = Incident.objects.filter(team__slug="payments", grade="D", week=stored.week)
        assert stored.value == sum((i.responsibility_share for i in shares), Decimal(0)), str(stored.week)


def test_several_teams_and_one_without_a_report_for_the_seed_week(demo):
    teams = set(Team.objects.values_list("slug", flat=True))
    assert {"payments", "risk", "platform"} <= teams
    reporting = set(WeeklyReport.objects.filter(week__number=33).values_list("team__slug", flat=True))
    assert reporting == {"payments", "risk"}
    assert KPIValue.objects.filter(kpi__team__slug="platform", week__number=32).exists()


def test_demo_users_have_their_roles_and_the_printed_passwords(demo):
    assert "Log in at http://127.0.0.1:8000/" in demo
    admin, lead, manager = (User.objects.get(username=name) for name in ("admin", "lead", "manager"))
    assert admin.is_superuser and admin.is_staff
    assert lead.groups.filter(name=LEADS_GROUP).exists()
    assert lead.led_teams.filter(slug="payments").exists()
    assert manager.groups.filter(name=MANAGERS_GROUP).exists()
    for user in (admin, lead, manager):
        assert f"{user.username} / {user.username}" in demo
        assert user.check_password(user.username)


def _snapshot():
    """Row counts of every model, history tables included, and every KPI value."""
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    values = sorted(KPIValue.objects.values_list("kpi__team__slug", "kpi__name", "week__starts_on", "value"))
    return counts, values


def test_second_run_adds_and_changes_nothing(demo):
    before = _snapshot()
    assert before[0]["reports.HistoricalKPIValue"] == before[0]["reports.KPIValue"] > 1000
    output = run_load_demo()
    assert _snapshot() == before
    assert "nothing changed" in output


def test_second_run_leaves_edited_rows_alone(demo):
    edited = value("需求交付数", 33)
    edited.value = Decimal("320")
    edited.save()
    User.objects.filter(username="lead").update(first_name="Renamed")
    run_load_demo()
    assert value("需求交付数", 33).value == Decimal("320")
    assert User.objects.get(username="lead").first_name == "Renamed"


def test_the_generator_is_repeatable():
    assert generate() == generate()


@override_settings(DEBUG=False)
def test_refuses_with_debug_off_and_writes_nothing():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not Team.objects.exists()
    assert not User.objects.exists()


@override_settings(DEBUG=False)
def test_force_loads_with_debug_off():
    call_command("load_demo", "--force", stdout=StringIO())
    assert value("需求交付数", 33).value == Decimal("313")


def test_computed_kpis_equal_the_incident_records_in_every_week(demo):
    computed = list(KPI.objects.exclude(computed_from=""))
    assert {kpi.name for kpi in computed} >= {"AB级事故数", "C级事故数", "D级事故数"}
    records = {}
    for incident in Incident.objects.all():
        records.setdefault((incident.team_id, incident.week_id), []).append(incident)
    checked = 0
    for kpi in computed:
        stored = {row.week_id: row.value for row in KPIValue.objects.filter(kpi=kpi)}
        weeks = set(stored) | {week for team, week in records if team == kpi.team_id}
        weeks |= set(WeeklyReport.objects.filter(team=kpi.team).values_list("week_id", flat=True))
        for week in weeks:
            expected = computed_value(kpi.computed_from, records.get((kpi.team_id, week), []))
            assert stored.get(week) == expected, (kpi.name, week)
            checked += 1
    assert checked > 50
    assert value("C级事故数", 33).value == Decimal("0.5")


def test_the_login_address_is_where_runserver_listens():
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", "--address", "0.0.0.0:8123", stdout=out)
    assert "Log in at http://0.0.0.0:8123/ as" in out.getvalue()
