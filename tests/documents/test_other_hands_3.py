"""Wordings of reports by other hands that were misread: prefixed grades, sign-offs, dated sub-headings,
events under stability and risk sections. One rule per test."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from documents.export import team_week_markdown
from documents.importer import import_report, parse_document
from documents.importer.catalogue import Catalogue, KpiRef
from incidents.models import Incident
from reports.models import KPI, WeeklyReport
from tests.documents.helpers import missing_lines, week_haystack
from tests.documents.other_hands import WEEK, at, events

CATALOGUE = Catalogue([KpiRef(1, "入金有效成功率", KPI.Unit.PERCENT, decimals=3)])


# -- grades written with the word for severity -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "grade", "share"),
    [
        ("- 2025-10-14 10:05 出金延迟，Sev-C，影响32笔", "C", "1"),
        ("- 2025-10-14 10:05 出金延迟 SEV C", "C", "1"),
        ("- 2025-10-14 10:05 对账异常，sev.B", "B", "1"),
        ("- 2025-10-14 10:05 对账异常，等级：Sev-A", "A", "1"),
        ("- 2025-10-14 10:05 对账异常（Severity D）", "D", "1"),
        ("- 2025-10-14 10:05 【Sev-B】出金延迟", "B", "1"),
        ("- 2025-10-14 10:05 Payout delayed, sev-c (0.5)", "C", "0.5"),
        ("- 2025-10-14 10:05 出金延迟\n  - 级别：Sev-C\n  - 影响：32笔", "C", "1"),
        ("| 时间 | 级别 | 描述 |\n|---|---|---|\n| 2025-10-14 10:05 | SEV-B | 出金延迟 |", "B", "1"),
    ],
)
def test_a_grade_letter_after_the_word_for_severity_is_the_grade(text, grade, share):
    (event,), _intro, warnings = events(text)
    assert (event.grade, event.share) == (grade, Decimal(share))
    assert not warnings
    # The mark grades the event: it is not part of its name.
    assert "sev" not in event.title.lower()


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("- 2025-10-14 10:05 通道抖动，SEV1", "SEV1"),
        ("- 2025-10-14 10:05 通道抖动 Sev-2 影响少量用户", "Sev-2"),
        ("- 2025-10-14 10:05 网关超时，级别：P0", "P0"),
        ("- 2025-10-14 10:05 网关超时，P2", "P2"),
        ("- 2025-10-14 10:05 Gateway timeouts, priority P1, 40 payouts", "P1"),
        ("- 2025-10-14 10:05 网关超时\n  - Severity: SEV 3", "SEV 3"),
        ("| 时间 | Sev | 描述 |\n|---|---|---|\n| 2025-10-14 10:05 | SEV2 | 网关超时 |", "SEV2"),
    ],
)
def test_a_numeric_severity_is_no_grade_and_the_event_says_its_grade_was_not_read(text, level):
    (event,), _intro, warnings = events(text)
    assert event.grade == ""
    assert [warning for warning in warnings if event.title in warning and level in warning], warnings


@pytest.mark.parametrize(
    "text",
    [
        "- 2025-10-14 10:05 出金延迟，Sev B/C",
        "- 2025-10-14 10:05 出金延迟，级别：B~C",
        "- 2025-10-14 10:05 出金延迟\n  - 级别：sev-b or c",
    ],
)
def test_a_severity_naming_two_letters_is_no_grade_and_says_so(text):
    (event,), _intro, warnings = events(text)
    assert event.grade == ""
    assert [warning for warning in warnings if "出金延迟" in warning and "A–D" in warning], warnings


@pytest.mark.parametrize(
    "text",
    [
        "- 2025-10-14 10:05 sev a bit slower payouts after the release",
        "- 2025-10-14 10:05 出金延迟，切到 P2 机房后恢复",
        "- 2025-10-14 10:05 Severity unknown, P1 channel switched over",
    ],
)
def test_a_word_that_only_looks_like_a_severity_grades_nothing_and_says_nothing(text):
    (event,), _intro, warnings = events(text)
    assert event.grade == ""
    assert not warnings


def test_the_preview_shows_that_a_numeric_severity_was_not_read_as_a_grade(client_for, lead, team):
    text = "# 2025-W42\n\n## 生产事件\n- 2025-10-14 10:05 网关超时，SEV1，影响40笔\n"
    url = reverse("report-import", args=[team.slug])
    response = client_for(lead).post(url, {"content": text, "week": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "“网关超时” is graded SEV1" in html


# -- a sign-off at the end of a list --------------------------------------------------------------------

PLANS = "# 2025-W42\n\n## 下周计划\n1. 完成存管迁移\n2. 压测出金链路\n"


@pytest.mark.parametrize(
    "sign_off",
    [
        "谢谢！",
        "以上。",
        "以上，谢谢大家！",
        "**汇报完毕，谢谢**",
        "Thanks!",
        "Best regards, Alice",
        "Best regards,\nAlice Wang",
        "Cheers — Bob",
        "-- 张三",
        "谢谢！\n—— 李四",
    ],
)
def test_a_sign_off_ending_the_plans_is_no_plan_and_is_kept_as_text(sign_off):
    parsed = parse_document(f"{PLANS}\n{sign_off}\n")
    assert parsed.plans == ["完成存管迁移", "压测出金链路"]
    assert parsed.other == sign_off
    first = sign_off.split("\n")[0]
    assert [warning for warning in parsed.warnings if first in warning and "下周计划" in warning]


@pytest.mark.parametrize(
    "last",
    [
        "谢谢张三帮忙联调",  # thanks that say what for are an item
        "3. 以上线结果为准",
        "- Thanks to Bob, finish the payout review",
        "Alice",  # a name alone signs only after a closing
    ],
)
def test_a_line_that_only_starts_like_a_closing_stays_an_item(last):
    parsed = parse_document(f"{PLANS}{last}\n")
    assert len(parsed.plans) == 3
    assert parsed.other == ""
    assert not parsed.warnings


def test_a_closing_followed_by_an_item_is_an_item_where_it_stands():
    parsed = parse_document(f"{PLANS}谢谢！\n3. 上线\n")
    assert parsed.plans == ["完成存管迁移", "压测出金链路", "谢谢！", "上线"]


def test_a_sign_off_ending_the_todos_is_no_todo():
    parsed = parse_document("# 2025-W42\n\n## 待办\n- [ ] 补齐对账脚本\n\nThanks,\nAlice\n")
    assert [todo.text for todo in parsed.todos] == ["补齐对账脚本"]
    assert parsed.other == "Thanks,\nAlice"


def test_a_sign_off_after_a_sections_todos_stays_in_the_section():
    parsed = parse_document("# 2025-W42\n\n## 【贝易转】\n进展顺利\nTODO：\n1. 补齐对账脚本\n以上。\n")
    assert [todo.text for todo in parsed.todos] == ["补齐对账脚本"]
    assert parsed.sections[0].body == "进展顺利\n\n以上。"


def test_an_imported_sign_off_is_written_as_text_and_no_line_is_dropped(team):
    text = f"{PLANS}\n以上，谢谢！\n-- 张三\n"
    import_report(parse_document(text), team)
    report = WeeklyReport.objects.get(team=team)
    assert [plan.text for plan in report.plans.order_by("position")] == ["完成存管迁移", "压测出金链路"]
    assert report.other == "以上，谢谢！\n-- 张三"
    assert missing_lines(text, week_haystack(team, WEEK, team_week_markdown(team, WEEK))) == []


def test_the_preview_shows_the_sign_off_kept_as_text(client_for, lead, team):
    url = reverse("report-import", args=[team.slug])
    response = client_for(lead).post(url, {"content": f"{PLANS}\nBest regards, Alice\n", "week": ""})
    html = response.content.decode()
    assert "“Best regards, Alice” at the end of “下周计划” is a sign-off" in html
    assert '<pre class="doc-pre">Best regards, Alice</pre>' in html


# -- an event written as a sub-heading ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "start"),
    [
        ("### 10月17日晚上9点 清算延迟", at(17, 21, 0)),
        ("### 10月17日下午3点半 清算延迟", at(17, 15, 30)),
        ("### 2025年10月17日 21点05分：清算延迟", at(17, 21, 5)),
        ("#### 1. Oct 17, 9:05 PM 清算延迟", at(17, 21, 5)),
    ],
)
def test_a_dated_sub_heading_under_the_events_is_an_event_with_its_body(heading, start):
    text = (
        f"# 2025-W42\n\n## 生产事件\n{heading}\n- 影响：清算延迟，影响 200 笔\n- 原因：批处理卡住\n"
        "- 恢复：约40分钟后恢复\n\n## 下周计划\n1. 复盘\n"
    )
    parsed = parse_document(text)
    (event,) = parsed.incidents
    assert (event.started_at, event.title, event.impact_count, event.cause) == (
        start,
        "清算延迟",
        200,
        "批处理卡住",
    )
    assert event.resolved_at == start + dt.timedelta(minutes=40)
    assert parsed.plans == ["复盘"] and not parsed.incidents_intro


def test_dated_sub_headings_under_a_bracket_title_are_events_in_its_section():
    # `- 【生产事件】` has no depth: the dated headings after it are its events, not sections of their own.
    text = (
        "# 2025-W42\n\n- 【生产事件】\n\n"
        "### 10月17日晚上9点12分 清算延迟\n清算批处理卡住，影响出金32笔，10点恢复。\n\n"
        "### 10月18日 09:30 对账文件缺失\n银行推送延迟，主动发现。\n\n# 下周工作及目标\n1. 复盘\n"
    )
    parsed = parse_document(text)
    assert [(e.started_at, e.resolved_at, e.title, e.impact_count) for e in parsed.incidents] == [
        (at(17, 21, 12), at(17, 22, 0), "清算延迟", 32),
        (at(18, 9, 30), None, "对账文件缺失", None),
    ]
    assert parsed.incidents[1].detection == "proactive"
    assert not [section for section in parsed.sections if "清算" in section.title]
    assert parsed.plans == ["复盘"]


def test_an_undated_sub_heading_under_a_bracket_title_still_opens_a_section():
    parsed = parse_document("# 2025-W42\n\n- 【生产事件】\n无\n\n### 贝易转进展\n联调完成\n")
    assert [section.title for section in parsed.sections] == ["贝易转进展"]
    assert parsed.incidents_intro == "无"


# -- events under a stability or risk section ---------------------------------------------------------


@pytest.mark.parametrize(
    "title", ["## 稳定性", "## 稳定性与风险", "## 三、风险与问题", "## Stability", "## Risks and issues"]
)
def test_a_dated_outage_under_a_stability_or_risk_section_is_an_event_and_the_preview_names_it(title):
    text = (
        f"# 2025-W42\n\n{title}\n- 入金有效成功率：99.995%\n"
        "- 10月15日 14:05-14:40 入金通道故障，影响32笔\n  根因：银行证书过期\n"
        "- 数据库容量水位 70%，下周扩容\n"
    )
    parsed = parse_document(text, catalogue=CATALOGUE)
    (event,) = parsed.incidents
    assert (event.started_at, event.resolved_at, event.title) == (
        at(15, 14, 5),
        at(15, 14, 40),
        "入金通道故障",
    )
    assert event.cause == "银行证书过期"  # the line indented under the event is the event's
    assert parsed.sections[0].body == "- 入金有效成功率：99.995%\n- 数据库容量水位 70%，下周扩容"
    assert [figure.name for figure in parsed.placed_figures] == ["入金有效成功率"]
    assert [
        warning for warning in parsed.warnings if "入金通道故障" in warning and "not titled as" in warning
    ]


@pytest.mark.parametrize(
    "line",
    [
        "- 10月16日 14:00 容量评审会，确认扩容方案",  # dated, but no outage
        "- 入金通道偶发超时，已联系银行",  # an outage, but no date and time
        "- 10月16日 14:00 支付宝渠道风险预警：证书将于月底到期",  # a warning, not an outage
    ],
)
def test_a_line_of_a_risk_section_that_is_not_clearly_an_event_stays_text(line):
    parsed = parse_document(f"# 2025-W42\n\n## 风险与问题\n{line}\n")
    assert not parsed.incidents
    assert parsed.sections[0].body == line
    assert not parsed.warnings


def test_a_dated_outage_under_a_section_of_another_name_stays_text():
    # Only a title naming stability, risks or issues says its lines may be events.
    line = "- 10月15日 14:05 入金通道故障，影响32笔"
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转进展\n{line}\n")
    assert not parsed.incidents and parsed.sections[0].body == line


def test_an_event_of_a_risk_section_is_imported_and_no_line_is_dropped(team):
    text = "# 2025-W42\n\n## Risks and issues\n2025年10月16日 9:00 出金通道中断，9:30恢复\n- 证书月底到期\n"
    import_report(parse_document(text), team)
    (incident,) = Incident.objects.filter(team=team)
    assert (incident.title, incident.started_at, incident.resolved_at) == (
        "出金通道中断",
        at(16, 9, 0),
        at(16, 9, 30),
    )
    assert incident.description.endswith("出金通道中断，9:30恢复")
    # The document writes an event's time on a line of its own: every other line is found as written.
    markdown = team_week_markdown(team, WEEK)
    assert "2025年10月16日 9:00\n出金通道中断，9:30恢复" in markdown
    assert missing_lines(text.replace("2025年10月16日 9:00 出金通道中断，9:30恢复\n", ""), markdown) == []
