"""The exported document: house-format lines, downloads, print pages, and a fixed query count."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from common.weeks import IsoWeek
from documents.export import team_week_markdown
from okrs.models import KeyResult
from pages.demo.loader import load_demo
from reports.models import KPI, ReportSection, Team
from tests.factories import (
    make_incident,
    make_key_result,
    make_kpi,
    make_objective,
    make_report,
    make_team,
    make_update,
    make_value,
)

W33 = IsoWeek(2024, 33)


def build_week(team, *, kpis=2, weeks=2):
    """A team's week with KPIs, an OKR item and an incident; `weeks` weeks of history before it."""
    report = make_report(team, W33)
    ReportSection.objects.create(
        report=report, position=0, title="效能度量", body="正文 <script>alert(1)</script>"
    )
    for number in range(kpis):
        delivered = make_kpi(team, f"需求交付数{number or ''}", group="效能度量", position=2 * number)
        rate = make_kpi(
            team, f"需求吞吐率{number or ''}", group="效能度量", unit=KPI.Unit.PERCENT, decimals=2,
            position=2 * number + 1,
        )  # fmt: skip
        for offset in range(weeks):
            week = W33.shifted(-offset - 1)
            make_value(delivered, week, 292 if offset == 0 else 200 + offset)
            make_value(rate, week, "96.05" if offset == 0 else 90)
        make_value(delivered, W33, 313)
        make_value(rate, W33, "81.72", note="研发和QA都有需求积压")
    item = make_key_result(make_objective(team, "O1", title="业务服务"), title="对公收佣", position=1)
    for offset in range(weeks):
        make_update(item, W33.shifted(-offset - 1), 75 - offset)
    make_update(item, W33, 80, note="对公收佣：资源申请进度80%")
    make_incident(team, timezone.make_aware(dt.datetime(2024, 8, 12, 9, 27)), description="POS自动结算未执行")
    return report


def test_markdown_has_the_seed_house_format(team):
    build_week(team)
    text = team_week_markdown(team, W33)
    assert text.startswith("# 2024-W33\n")
    assert "## 【效能度量】" in text
    assert "需求交付数 313（↑7.19%，292→313）" in text
    assert "需求吞吐率 81.72%（↓14.33pp，96.05%→81.72%）\n    研发和QA都有需求积压" in text
    assert "## 【O1 业务服务】\n\n1. 对公收佣：资源申请进度80%\n    进度80%（+5pp）" in text
    assert "## 【生产事件】\n\n2024年8月12日 9:27\nPOS自动结算未执行" in text


def test_new_value_and_value_from_zero(team):
    new = make_kpi(team, "入金有效成功率", unit=KPI.Unit.PERCENT, decimals=3)
    make_value(new, W33, "99.998")
    bugs = make_kpi(team, "线上bug", unit_label="个")
    make_value(bugs, W33.previous(), 0)
    make_value(bugs, W33, 12)
    text = team_week_markdown(team, W33)
    assert "入金有效成功率 99.998%（新）" in text
    assert "线上bug 12个（↑12个，0个→12个）" in text


def test_markdown_download(client_for, member, team):
    build_week(team)
    response = client_for(member).get(reverse("team-week-markdown", args=[team.slug, W33]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="payments-2024-W33.md"'
    assert "需求交付数 313（↑7.19%，292→313）" in response.content.decode()


@pytest.mark.parametrize("name", ["team-week-markdown", "team-week-print"])
def test_team_exports_need_login_and_a_real_team(client, client_for, outsider, team, name):
    url = reverse(name, args=[team.slug, W33])
    assert client.get(url).status_code == 302
    assert reverse("login") in client.get(url)["Location"]
    assert client_for(outsider).get(reverse(name, args=["nope", W33])).status_code == 404
    assert client_for(outsider).get(url.replace("2024-W33", "2024-W99")).status_code == 404
    assert client_for(outsider).get(url).status_code == 200


@pytest.mark.parametrize("name", ["department-document", "department-markdown"])
def test_department_exports_need_login(client, client_for, outsider, name):
    url = reverse(name, args=[W33])
    assert client.get(url).status_code == 302
    assert client_for(outsider).get(url).status_code == 200
    assert client_for(outsider).get(url.replace("2024-W33", "2024-W60")).status_code == 404


def test_print_page_renders_narrative_safely(client_for, member, team):
    build_week(team)
    response = client_for(member).get(reverse("team-week-print", args=[team.slug, W33]))
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "81.72%" in html and "↓14.33pp" in html
    assert "documents.css" in html


def test_department_document_joins_teams_in_team_order(client_for, member, team):
    risk = make_team("Risk", slug="risk", position=5)
    team.position = 1
    team.save()
    build_week(team)
    make_value(make_kpi(risk, "风险拦截数"), W33, 7)
    text = client_for(member).get(reverse("department-markdown", args=[W33])).content.decode()
    assert text.index("# Payments") < text.index("# Risk") < text.index("风险拦截数 7（新）")
    html = client_for(member).get(reverse("department-document", args=[W33])).content.decode()
    assert html.index("Payments") < html.index("Risk")


def test_okr_change_is_since_the_most_recent_update_within_twelve_weeks(team):
    objective = make_objective(team, "O1", title="业务服务")
    gap = make_key_result(objective, title="对公收佣", position=1)
    make_update(gap, W33.shifted(-3), 50, note="对公收佣")
    make_update(gap, W33, 60, note="对公收佣")
    old = make_key_result(objective, title="新银收入", position=2)
    make_update(old, W33.shifted(-13), 10, note="新银收入")
    make_update(old, W33, 20, note="新银收入")
    text = team_week_markdown(team, W33)
    assert "1. 对公收佣\n    进度60%（+10pp）" in text
    assert "2. 新银收入\n    进度20%\n" in text  # the last update is beyond the look-back


def test_value_measured_item_shows_its_way_from_start_to_target(client_for, member, team):
    item = make_key_result(
        make_objective(team, "O1", title="业务服务"), title="商户数", position=1,
        measure=KeyResult.Measure.VALUE, start_value=Decimal(0), target_value=Decimal(200),
    )  # fmt: skip
    make_update(item, W33.previous(), current_value=Decimal(50), note="商户数")
    make_update(item, W33, current_value=Decimal(100), note="商户数")
    assert "1. 商户数\n    进度50%（+25pp）" in team_week_markdown(team, W33)
    html = client_for(member).get(reverse("team-week-print", args=[team.slug, W33])).content.decode()
    assert "50%" in html and "+25" in html


QUERIES = {
    "team-week-markdown": 11,
    "team-week-print": 11,
    "department-markdown": 11,
    "department-document": 11,
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_count_does_not_grow_with_weeks_kpis_or_teams(
    client_for, member, team, django_assert_num_queries, name
):
    args = [W33] if name.startswith("department") else [team.slug, W33]
    build_week(team, kpis=1, weeks=1)
    client = client_for(member)
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(reverse(name, args=args)).status_code == 200
    build_week(make_team(), kpis=10, weeks=10)
    for number in range(10):
        build_week(make_team(f"Extra {number}"), kpis=2, weeks=1)
    make_value(KPI.objects.filter(team=team).first(), W33.shifted(-20), Decimal(1))
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(reverse(name, args=args)).status_code == 200


def test_export_command_writes_stdout_and_a_file(team, tmp_path):
    build_week(team)
    out = io.StringIO()
    call_command("export_report", team="payments", week="2024-W33", stdout=out)
    assert out.getvalue() == team_week_markdown(team, W33)
    target = tmp_path / "week.md"
    call_command("export_report", team="payments", week="2024-W33", output=str(target), stderr=io.StringIO())
    assert target.read_text(encoding="utf-8") == out.getvalue()


@pytest.mark.parametrize(
    "options", [{"team": "nope", "week": "2024-W33"}, {"team": "payments", "week": "33"}]
)
def test_export_command_rejects_bad_arguments(team, options):
    with pytest.raises(CommandError):
        call_command("export_report", **options)


HOUSE_WORDS = [
    "【生产事件】",
    "【其他】",
    "收获与反思",
    "下周工作及目标",
    "进度",
    "预计",
    "（新）",
    ">新<",
    "持平",
]


def build_full_week(team):
    report = build_week(team)
    report.other, report.reflections = "年会准备", "稳定性总结"
    report.save()
    report.plans.create(position=0, text="年度OKR复盘")
    report.todos.create(position=0, text="补监控")
    same = make_kpi(team, "线上bug", group="效能度量", position=9)
    make_value(same, W33.previous(), 12)
    make_value(same, W33, 12)
    make_value(make_kpi(team, "新指标", group="效能度量", position=10), W33, 5)
    item = KeyResult.objects.get(title="对公收佣")
    item.eta = dt.date(2024, 9, 10)
    item.save()


@pytest.mark.parametrize("name", ["team-week-print", "department-document"])
def test_html_pages_use_translated_labels_not_the_house_chinese(client_for, member, team, name):
    build_full_week(team)
    args = [W33] if name.startswith("department") else [team.slug, W33]
    html = client_for(member).get(reverse(name, args=args)).content.decode()
    html = html.replace("对公收佣：资源申请进度80%", "")  # the item's own text is the lead's words
    assert [word for word in HOUSE_WORDS if word in html] == []
    for label in ["Production events", "Other", "Reflections", "Next week", "TODO", "unchanged", "new"]:
        assert label in html, label
    assert "progress 80% (+5pp) · ETA 2024-09-10" in html


def test_html_page_in_chinese_uses_the_translations(client_for, member, team, settings):
    build_full_week(team)
    client = client_for(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("team-week-print", args=[team.slug, W33])).content.decode()
    assert "生产事件" in html and "收获与反思" in html and "持平" in html and "新增" in html


def test_markdown_keeps_the_house_chinese_headings(team):
    build_full_week(team)
    text = team_week_markdown(team, W33)
    for word in [
        "## 【生产事件】",
        "## 【其他】",
        "## 收获与反思",
        "# 下周工作及目标",
        "线上bug 12（持平，12→12）",
    ]:
        assert word in text, word
    assert "新指标 5（新）" in text and "进度80%（+5pp） · 预计2024-09-10" in text


def test_archived_kpis_appear_in_the_weeks_they_have_a_value(team):
    reported = make_kpi(team, "旧指标", group="效能度量", is_active=False)
    make_value(reported, W33.previous(), 3)
    make_value(reported, W33, 4)
    silent = make_kpi(team, "停用指标", group="效能度量", is_active=False)
    make_value(silent, W33.previous(), 9)
    text = team_week_markdown(team, W33)
    assert "旧指标 4（↑33.33%，3→4）" in text  # the document records what was reported that week
    assert "停用指标" not in text


def test_the_grade_tally_line_is_counted_from_the_incident_records(db):
    load_demo()
    markdown = team_week_markdown(Team.objects.get(slug="payments"), IsoWeek(2024, 33))
    assert "事故数AB级0次，C级0.5次，D级0次" in markdown
    assert "C级事故数" not in markdown  # one line for the three computed counts, as the seed writes it
