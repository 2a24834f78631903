"""Wordings of reports by other hands that were misread: events written over several lines, sign-offs
ending the events, Markdown rules, dated sub-headings under a risk section. One rule per test."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from documents.export import team_week_markdown
from documents.importer import import_report, parse_document
from incidents.models import Incident
from reports.models import WeeklyReport
from tests.documents.helpers import fixture, missing_lines, week_haystack
from tests.documents.other_hands import WEEK, at, events

# -- an event written over several lines ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "impact", "count"),
    [
        ("- 10月14日 16:57 入金延迟，影响32笔\n  根因：银行批处理卡住\n  恢复：17:30", "影响32笔", 32),
        ("10月14日 16:57 入金延迟，影响出金32笔\n    原因：银行批处理卡住", "影响出金32笔", 32),
        ("- 10月14日 16:57 入金延迟\n  影响范围：32笔入金\n  原因：银行批处理卡住", "影响范围：32笔入金", 32),
        ("- 10月14日 16:57 入金延迟\n  - 约32笔入金受到影响\n  - 原因：批处理卡住", "约32笔入金受到影响", 32),
        ("- 10月14日 16:57 入金延迟，无资金影响\n  根因：银行批处理卡住", "无资金影响", None),
        ("- Oct 14, 16:57 Deposits delayed, no user impact\n  Cause: batch stuck", "no user impact", None),
        ("- 10月14日 16:57 入金延迟\n  > 影响出金32笔，已补单", "影响出金32笔", 32),
        (
            "- Oct 14, 16:57 Deposits delayed. Impact: 32 payouts\n  Cause: batch stuck",
            "Impact: 32 payouts",
            32,
        ),
    ],
)
def test_the_impact_of_an_event_is_read_from_any_of_its_lines(text, impact, count):
    (event,), _intro, _warnings = events(text)
    assert (event.impact, event.impact_count) == (impact, count)
    assert event.title in ("入金延迟", "Deposits delayed")


def test_the_fields_of_an_event_are_read_from_its_first_line_when_more_lines_follow():
    text = "- 10月14日 16:57 入金延迟，C级，原因：银行批处理卡住\n  恢复：17:30\n  主动发现"
    (event,), _intro, _warnings = events(text)
    assert (event.grade, event.share, event.cause) == ("C", Decimal("1"), "银行批处理卡住")
    assert (event.resolved_at, event.detection) == (at(14, 17, 30), "proactive")


def test_a_one_line_event_and_the_same_event_over_several_lines_read_alike():
    one = "- 10月14日 16:57 入金延迟，C级，影响32笔，原因：银行批处理卡住"
    (single,), _intro, _warnings = events(one)
    (split,), _intro, _warnings = events("- 10月14日 16:57 入金延迟，C级，影响32笔\n  原因：银行批处理卡住")
    read = ("title", "grade", "impact", "impact_count", "cause")
    assert [getattr(split, name) for name in read] == [getattr(single, name) for name in read]


# -- a sign-off ending the events -----------------------------------------------------------------------

EVENTS = (
    "# 2025-W42\n\n## 生产事件\n- 10月14日 16:57 入金延迟，影响32笔\n  根因：银行批处理卡住\n"
    "- 10月15日 10:00 出金超时\n"
)


@pytest.mark.parametrize(
    "sign_off",
    ["谢谢！", "Thanks, Bob", "以上，谢谢大家。", "Best regards,\nAlice Wang", "-- 张三", "**汇报完毕**"],
)
@pytest.mark.parametrize("gap", ["", "\n"])
def test_a_sign_off_ending_the_events_is_no_part_of_the_last_event_and_is_kept_as_text(sign_off, gap):
    parsed = parse_document(f"{EVENTS}{gap}{sign_off}\n\n## 下周计划\n1. 复盘\n")
    assert [event.text for event in parsed.incidents] == [
        "入金延迟，影响32笔\n  根因：银行批处理卡住",
        "出金超时",
    ]
    assert parsed.other == sign_off
    assert not parsed.incidents_intro
    first = sign_off.split("\n")[0]
    assert [warning for warning in parsed.warnings if first in warning and "生产事件" in warning]
    assert parsed.plans == ["复盘"]


@pytest.mark.parametrize(
    "last",
    [
        "  谢谢！",  # indented under the event: the writer put it there
        "谢谢银行配合排查",  # thanks that say what for are the event's
        "Thanks to the bank, the batch was rerun",
    ],
)
def test_a_line_that_is_no_clear_sign_off_stays_with_the_last_event(last):
    parsed = parse_document(f"{EVENTS}{last}\n")
    assert parsed.incidents[-1].text.endswith(last.strip())
    assert parsed.other == "" and not parsed.warnings


def test_a_closing_followed_by_an_event_is_no_sign_off():
    parsed = parse_document(f"{EVENTS}谢谢！\n- 10月16日 09:00 对账异常\n")
    assert len(parsed.incidents) == 3 and parsed.other == "" and not parsed.warnings


def test_an_imported_sign_off_of_the_events_is_written_as_text_and_no_line_is_dropped(team):
    text = f"{EVENTS}\n以上，谢谢！\n-- 张三\n"
    import_report(parse_document(text), team)
    report = WeeklyReport.objects.get(team=team)
    assert report.other == "以上，谢谢！\n-- 张三"
    assert [incident.title for incident in Incident.objects.filter(team=team).order_by("started_at")] == [
        "入金延迟",
        "出金超时",
    ]
    assert not Incident.objects.filter(description__contains="谢谢").exists()
    # The document writes an event's time on a line of its own: every other line is found as written.
    dated = [line for line in text.splitlines() if line.startswith("- 10月")]
    assert missing_lines(text, week_haystack(team, WEEK, team_week_markdown(team, WEEK))) == dated


def test_the_preview_shows_the_sign_off_of_the_events_kept_as_text(client_for, lead, team):
    url = reverse("report-import", args=[team.slug])
    response = client_for(lead).post(url, {"content": f"{EVENTS}\nThanks, Bob\n", "week": ""})
    html = response.content.decode()
    assert "“Thanks, Bob” at the end of “生产事件” is a sign-off, not part of an event" in html
    assert '<pre class="doc-pre">Thanks, Bob</pre>' in html


# -- a Markdown rule -------------------------------------------------------------------------------------

RULES = ["---", "***", "___", "- - -", "* * *", "-----", "————", "＿＿＿"]


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("title", ["下周计划", "Next week"])
def test_a_rule_ending_or_inside_the_plans_is_no_plan(rule, title):
    parsed = parse_document(f"# 2025-W42\n\n## {title}\n1. 完成存管迁移\n{rule}\n2. 压测出金链路\n{rule}\n")
    assert parsed.plans == ["完成存管迁移", "压测出金链路"]
    assert parsed.other == "" and not parsed.warnings


@pytest.mark.parametrize("rule", RULES)
def test_a_rule_in_the_todos_is_no_todo(rule):
    parsed = parse_document(f"# 2025-W42\n\n## 待办\n- [ ] 补齐对账脚本\n  {rule}\n\n{rule}\n")
    assert [todo.text for todo in parsed.todos] == ["补齐对账脚本"]
    parsed = parse_document(f"# 2025-W42\n\n## 【贝易转】\n进展顺利\nTODO：\n1. 补齐对账脚本\n{rule}\n")
    assert [todo.text for todo in parsed.todos] == ["补齐对账脚本"]


def test_a_rule_after_a_sign_off_leaves_it_a_sign_off():
    parsed = parse_document("# 2025-W42\n\n## 下周计划\n1. 完成存管迁移\n\n谢谢！\n\n---\n")
    assert parsed.plans == ["完成存管迁移"]
    assert parsed.other == "谢谢！"


@pytest.mark.parametrize("rule", RULES)
def test_a_rule_among_the_events_is_no_event_and_no_part_of_one(rule):
    text = (
        f"# 2025-W42\n\n## 生产事件\n- 10月14日 16:57 入金延迟，影响32笔\n{rule}\n"
        f"- 10月15日 10:00 出金超时\n  原因：网关限流\n\n{rule}\n"
    )
    parsed = parse_document(text)
    assert [event.text for event in parsed.incidents] == ["入金延迟，影响32笔", "出金超时\n  原因：网关限流"]
    assert parsed.incidents_intro == "" and not parsed.warnings


def test_a_rule_in_a_risk_section_is_no_part_of_the_event_above_it():
    text = "# 2025-W42\n\n## 稳定性\n- 10月15日 14:05 入金通道故障\n  ---\n- 数据库水位 70%\n"
    (event,) = parse_document(text).incidents
    assert event.text == "入金通道故障"


@pytest.mark.parametrize("rule", ["---", "***"])
def test_a_rule_in_prose_stays_where_it_was_written_and_states_no_figure(rule):
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n联调完成\n\n{rule}\n\n压测排期中\n")
    assert parsed.sections[0].body == f"联调完成\n\n{rule}\n\n压测排期中"
    assert not parsed.figures


@pytest.mark.parametrize(
    "line",
    ["--- 张三", "-- 3. 上线", "- 复盘 ---", "***重点***：压测"],  # marks that stand with words are text
)
def test_a_line_of_marks_and_words_is_no_rule(line):
    parsed = parse_document(f"# 2025-W42\n\n## 下周计划\n1. 完成存管迁移\n{line}\n")
    assert len(parsed.plans) == 2


def test_imported_plans_and_events_around_rules_lose_no_line(team):
    text = (
        "# 2025-W42\n\n## 下周计划\n1. 完成存管迁移\n\n---\n\n2. 压测出金链路\n***\n\n"
        "## 生产事件\n- 10月15日 10:00 出金超时\n___\n"
    )
    import_report(parse_document(text), team)
    report = WeeklyReport.objects.get(team=team)
    assert [plan.text for plan in report.plans.order_by("position")] == ["完成存管迁移", "压测出金链路"]
    assert Incident.objects.get(team=team).description.endswith("出金超时")
    haystack = week_haystack(team, WEEK, team_week_markdown(team, WEEK))
    assert missing_lines(text, haystack) == ["- 10月15日 10:00 出金超时"]  # its time is written apart


# -- a dated sub-heading under a stability or risk section ------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "start", "title"),
    [
        ("### 10月17日晚上9点 清算延迟", at(17, 21, 0), "清算延迟"),
        ("### 2025-10-17 21:05 出金通道中断", at(17, 21, 5), "出金通道中断"),
        ("#### 1. Oct 17, 9:05 PM payout outage", at(17, 21, 5), "payout outage"),
        ("## 10月17日 21:05 网关超时", at(17, 21, 5), "网关超时"),  # the depth says nothing
    ],
)
@pytest.mark.parametrize("section", ["## 稳定性", "## 三、风险与问题", "## Risks and issues"])
def test_a_dated_outage_sub_heading_under_a_risk_section_is_an_event_and_the_preview_names_it(
    section, heading, start, title
):
    text = (
        f"# 2025-W42\n\n{section}\n- 数据库容量水位 70%，下周扩容\n\n{heading}\n"
        "影响 200 笔\n- 原因：批处理卡住\n- 恢复：约40分钟后恢复\n\n## 下周计划\n1. 复盘\n"
    )
    parsed = parse_document(text)
    (event,) = parsed.incidents
    assert (event.started_at, event.title, event.impact_count, event.cause) == (
        start,
        title,
        200,
        "批处理卡住",
    )
    assert event.resolved_at == start + dt.timedelta(minutes=40)
    assert [(section.title, section.body) for section in parsed.sections] == [
        (section.strip("# "), "- 数据库容量水位 70%，下周扩容")
    ]
    assert [warning for warning in parsed.warnings if title in warning and "not titled as" in warning]
    assert parsed.plans == ["复盘"]


@pytest.mark.parametrize(
    "heading",
    [
        "### 10月17日 14:00 容量评审会",  # dated, but no outage
        "### 清算延迟复盘",  # an outage, but no date and time
        "### 10月17日 支付宝证书到期风险",  # a day, but no time
    ],
)
def test_a_sub_heading_of_a_risk_section_that_is_not_clearly_an_event_is_a_section(heading):
    parsed = parse_document(f"# 2025-W42\n\n## 稳定性\n水位 70%\n\n{heading}\n影响 200 笔\n")
    assert not parsed.incidents and not parsed.warnings
    assert [section.title for section in parsed.sections] == ["稳定性", heading.strip("# ")]


def test_the_next_sub_heading_ends_the_event_of_a_risk_section():
    text = "# 2025-W42\n\n## 稳定性\n### 10月17日 21:00 清算延迟\n影响 200 笔\n\n### 容量\n水位 70%\n"
    parsed = parse_document(text)
    (event,) = parsed.incidents
    assert event.text == "影响 200 笔"
    assert [(section.title, section.body) for section in parsed.sections] == [
        ("稳定性", ""),
        ("容量", "水位 70%"),
    ]


def test_an_event_read_from_a_sub_heading_of_a_risk_section_is_imported_and_no_line_is_dropped(team):
    text = (
        "# 2025-W42\n\n## 稳定性\n- 证书月底到期\n\n### 10月17日晚上9点 清算延迟\n"
        "影响 200 笔，约40分钟后恢复\n"
    )
    import_report(parse_document(text), team)
    (incident,) = Incident.objects.filter(team=team)
    assert (incident.title, incident.started_at, incident.resolved_at) == (
        "清算延迟",
        at(17, 21, 0),
        at(17, 21, 40),
    )
    assert incident.description.endswith("影响 200 笔，约40分钟后恢复")
    # The heading is the event's time and title, which the document writes apart; every other line is found.
    haystack = week_haystack(team, WEEK, team_week_markdown(team, WEEK))
    assert missing_lines(text, haystack) == ["### 10月17日晚上9点 清算延迟"]


def test_the_preview_names_an_event_read_from_a_sub_heading_of_a_risk_section(client_for, lead, team):
    text = "# 2025-W42\n\n## 稳定性\n水位 70%\n\n### 10月17日晚上9点 清算延迟\n影响 200 笔\n"
    url = reverse("report-import", args=[team.slug])
    response = client_for(lead).post(url, {"content": text, "week": ""})
    html = response.content.decode()
    assert "“稳定性” is not titled as production events" in html
    assert "2025-10-17 21:00 清算延迟" in html


# -- reports in other departments' styles ------------------------------------------------------------------


@pytest.mark.parametrize(
    "field_lines",
    [
        "- **时间**：2025-10-14 10:05 ~ 10:45\n- **影响**：出金延迟 320 笔\n- **原因**：银行通道抖动",
        "**Time:** 2025-10-14 10:05 ~ 10:45\n**Impact:** 320 payouts delayed\n**Root cause:** 银行通道抖动",
        "- __时间__: 2025-10-14 10:05 ~ 10:45\n- __影响__: 320 笔\n- **原因：**银行通道抖动",
    ],
)
def test_a_field_label_in_bold_is_the_field(field_lines):
    (event,), intro, _warnings = events(f"### 出金延迟\n{field_lines}")
    assert (event.started_at, event.resolved_at) == (at(14, 10, 5), at(14, 10, 45))
    assert (event.title, event.impact_count, event.cause) == ("出金延迟", 320, "银行通道抖动")
    assert intro == ""


@pytest.mark.parametrize(
    ("impact", "count"),
    [
        ("Impact: ~1,200 failed logins", 1200),
        ("Impact: 45 merchants saw retries", 45),
        ("Impact: 3 merchant payouts delayed", 3),
        ("Impact: 30 minutes of slow checkout", None),  # a time, not a count
        ("Impact: 2.5 hours of degraded search", None),
        ("Impact: 99.5% of users unaffected", None),
        ("Impact: v2 clients only", None),
        ("Impact: 500 USD refunded", None),
    ],
)
def test_an_english_impact_counts_what_its_number_is_written_before(impact, count):
    (event,), _intro, _warnings = events(f"- Oct 15, 11:00 Webhook timeouts\n  {impact}")
    assert event.impact_count == count


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("### 事件一：出金延迟", "出金延迟"),
        ("### 故障3：网关超时", "网关超时"),
        ("### Incident 2: payout delay", "payout delay"),
        ("### 事件复盘：出金延迟", "事件复盘"),  # a word, not a label with the event's number
    ],
)
def test_a_sub_heading_that_numbers_the_event_is_titled_without_its_label(heading, title):
    (event,), _intro, _warnings = events(f"{heading}\n- 时间：2025-10-14 10:05\n- 影响：32笔")
    assert event.title == title


@pytest.mark.parametrize(
    "line",
    [
        "- Oct 15, 11:00 - webhook timeouts",
        "- 10月15日 11:00 — webhook timeouts",
        "10月15日 11:00 -- webhook timeouts",
    ],
)
def test_a_dash_after_the_time_is_no_part_of_the_events_text(line):
    (event,), _intro, _warnings = events(f"{line}\n  影响32笔")
    assert event.text.startswith("webhook timeouts")
    assert event.resolved_at is None


def test_a_dash_between_two_times_is_still_a_range():
    (event,), _intro, _warnings = events("- 10月15日 11:00 - 11:30 webhook timeouts")
    assert (event.resolved_at, event.text) == (at(15, 11, 30), "webhook timeouts")


PLAN_TABLE = "| 事项 | Owner | 截止 |\n|---|---|---|\n| 灰度切换 | 张三 | 10/24 |\n| 压测 | - | 10/25 |\n"


@pytest.mark.parametrize("title", ["下周计划", "Next week", "待办", "Action items"])
def test_a_plans_or_todo_table_gives_an_item_per_row_with_its_cells_under_their_headers(title):
    parsed = parse_document(f"# 2025-W42\n\n## {title}\n{PLAN_TABLE}")
    items = parsed.plans or [todo.text for todo in parsed.todos]
    # The header and the separator are layout; an empty cell (`-`) says nothing.
    assert items == ["灰度切换\n  - Owner：张三\n  - 截止：10/24", "压测\n  - 截止：10/25"]


def test_a_numbering_column_of_a_plans_table_is_the_items_order_not_its_text():
    table = (
        "| # | Item | Owner |\n|:-:|---|---|\n| 1 | Canary deploys | Dana |\n| 2 | Cert rotation | Sam |\n"
    )
    parsed = parse_document(f"# 2025-W42\n\n## 5. Next week\n{table}")
    assert parsed.plans == ["Canary deploys\n  - Owner：Dana", "Cert rotation\n  - Owner：Sam"]


def test_a_table_without_a_header_row_gives_each_row_as_written():
    parsed = parse_document("# 2025-W42\n\n## 下周计划\n| 灰度切换 | 张三 |\n| 压测 | 李四 |\n")
    assert parsed.plans == ["灰度切换 | 张三", "压测 | 李四"]


def test_a_table_of_todos_after_a_todo_mark_gives_its_rows():
    parsed = parse_document(f"# 2025-W42\n\n## 【贝易转】\n进展顺利\nTODO：\n{PLAN_TABLE}")
    assert [todo.text.split("\n")[0] for todo in parsed.todos] == ["灰度切换", "压测"]
    assert parsed.sections[0].body == "进展顺利"


@pytest.mark.parametrize("item", ["1. [ ] 补齐文档", "1) [ ] 补齐文档", "- [ ] 补齐文档"])
def test_an_open_checkbox_is_a_list_mark_after_a_number_as_after_a_bullet(item):
    parsed = parse_document(f"# 2025-W42\n\n## 待办\n{item}\n")
    assert [todo.text for todo in parsed.todos] == ["补齐文档"]


def _import(team, name):
    text = fixture(name)
    parsed = parse_document(text)
    import_report(parsed, team)
    haystack = week_haystack(team, WEEK, team_week_markdown(team, WEEK))
    return text, parsed, haystack


def test_an_english_report_with_numbered_headings_tables_and_owners_imports_every_line(team):
    text, parsed, haystack = _import(team, "other-hands-platform-2025-W42.md")
    assert [(e.started_at, e.resolved_at, e.title, e.grade, e.impact_count) for e in parsed.incidents] == [
        (at(14, 9, 12), at(14, 9, 40), "Login API errors after config push", "C", 1200),
        (at(16, 22, 5), at(16, 22, 50), "Queue backlog on payouts", "", None),
        (at(17, 3, 10), None, "disk failure on db-replica-2", "", None),
    ]
    assert parsed.plans == ["Roll out canary deploys — Owner: Dana, due Oct 24", "Cert rotation — Owner: Sam"]
    # What is not found as written: the week's title, the events' section under its house name, each event's
    # time (written apart) and the plans without their checkboxes.
    assert missing_lines(text, haystack) == [
        "# Platform Reliability — Weekly Report 2025-W42",
        "## 3. Incidents",
        "1. **Oct 14, 09:12–09:40** — Login API errors after config push",
        "2. **Oct 16, 22:05** — Queue backlog on payouts; resolved 22:50",
        "- Oct 17 03:10 disk failure on db-replica-2, failover worked",
        "- [ ] Roll out canary deploys — Owner: Dana, due Oct 24",
        "- [ ] Cert rotation — Owner: Sam",
    ]
    assert "Owner: Dana" in haystack and "Thanks all,\nDana" in haystack


def test_a_chinese_report_with_numeral_headings_and_a_kpi_table_imports_every_line(team):
    text, parsed, haystack = _import(team, "other-hands-clearing-2025-W42.md")
    assert [(e.started_at, e.title, e.impact_count, e.cause) for e in parsed.incidents] == [
        (at(15, 14, 5), "清算文件延迟", 86, "上游文件晚到"),
        (at(18, 2, 10), "对账失败", None, ""),
        (at(16, 23, 0), "核心库主从延迟告警", None, ""),
    ]
    assert parsed.plans == ["上线自动重跑 —— 负责人：赵六", "完成对账脚本迁移"]
    assert missing_lines(text, haystack) == [
        "2025年第42周 清算组周报",
        "三、线上问题",
        "1）10月15日 14:05-14:40 清算文件延迟，影响商户结算 86 笔",
        "2）10月18日 周六 02:10 对账失败",
        "* 10月16日 23:00 核心库主从延迟告警，持续15分钟",
    ]


def test_a_report_with_bold_fields_and_a_plans_table_imports_every_line(team):
    text, parsed, haystack = _import(team, "other-hands-gateway-2025-W42.md")
    assert [
        (e.started_at, e.resolved_at, e.title, e.impact_count, e.detection) for e in parsed.incidents
    ] == [
        (at(14, 10, 5), at(14, 10, 45), "出金延迟", 320, "unknown"),
        (at(15, 11, 0), None, "webhook timeouts", 45, "proactive"),
    ]
    assert parsed.incidents_intro == "" and parsed.other == "Best,\nCarol"
    assert [plan.split("\n")[0] for plan in parsed.plans] == ["灰度切换", "压测"]
    missing = missing_lines(text, haystack)
    # A plans table's rows are items, each cell kept under its column's header; the header of the items'
    # own column (`事项`) and the separator row are the table's layout.
    rows = [line for line in missing if line.startswith("|")]
    assert rows == [
        "| 事项 | Owner | 截止 |",
        "|---|---|---|",
        "| 灰度切换 | 张三 | 10/24 |",
        "| 压测 | 李四 | 10/25 |",
    ]
    assert all(cell.strip() in haystack for row in rows[2:] for cell in row.strip("|").split("|"))
    assert "Owner：张三" in haystack and "截止：10/25" in haystack
    assert [line for line in missing if not line.startswith("|")] == [
        "# 2025-W42 支付网关组",
        "## 2) 生产事件",
        "### 事件一：出金延迟",
        "**Incident 2:** Oct 15, 11:00 - webhook timeouts",
        # An open box is not written back; a tick is (the TODO done in this week's report).
        "1. [ ] 补齐文档 (Owner: 王五)",
    ]


@pytest.mark.parametrize(
    ("line", "title", "progress"),
    [
        ("- KR2 Chargeback rate below 0.1% — 60%", "Chargeback rate below 0.1%", Decimal("60")),
        ("- KR2 拒付率降到0.1%以下：60%", "拒付率降到0.1%以下", Decimal("60")),
        (
            "- KR2 P99 under 200ms for 99.9% of calls | 45% 🟡",
            "P99 under 200ms for 99.9% of calls",
            Decimal("45"),
        ),
        ("- KR2 Rules v3 rollout — 100% ✅", "Rules v3 rollout", Decimal("100")),
    ],
)
def test_a_progress_ending_a_key_results_line_is_its_progress_though_the_name_holds_a_percentage(
    line, title, progress
):
    parsed = parse_document(f"# 2025-W42\n\n## O1: Cut fraud losses\n{line}\n")
    (item,) = parsed.sections[0].okr.items
    assert (item.title, item.progress) == (title, progress)


@pytest.mark.parametrize(
    "field", ["ETA: 2025-11-30", "- Due: 2025-11-30", "截止：2025-11-30", "预计2025-11-30"]
)
def test_a_key_results_eta_field_is_its_eta(field):
    parsed = parse_document(f"# 2025-W42\n\n## O1 降本\n- KR1 存管迁移 60%\n  {field}\n")
    (item,) = parsed.sections[0].okr.items
    assert item.eta == dt.date(2025, 11, 30)


def test_a_dash_alone_before_a_name_signs_the_list():
    parsed = parse_document("# 2025-W42\n\n## 下周计划\n1. 复盘\n\n—\nPriya\n")
    assert parsed.plans == ["复盘"] and parsed.other == "—\nPriya"


def test_an_english_report_with_okr_sub_headings_and_owners_imports_every_line(team):
    text, parsed, haystack = _import(team, "other-hands-risk-engine-2025-W42.md")
    okrs = [section.okr for section in parsed.sections if section.okr]
    assert [(item.title, item.progress, item.eta) for okr in okrs for item in okr.items] == [
        ("Rules v3 rollout", Decimal("100"), None),
        ("Chargeback rate below 0.1%", Decimal("60"), dt.date(2025, 11, 30)),
        ("Review tool revamp", Decimal("35"), None),
    ]
    assert parsed.plans == ["Tune thresholds (Owner: Tom)\n   - needs data from BI", "Hire 1 analyst"]
    assert parsed.other == "—\nPriya" and parsed.incidents_intro == "> None this week."
    # `Lowlights` is a risk section: its dated outage is an event the preview names; the undated one is text.
    (event,) = parsed.incidents
    assert (event.started_at, event.title, event.grade) == (at(16, 9, 30), "model service outage", "B")
    assert [
        warning for warning in parsed.warnings if "4. Lowlights" in warning and "model service" in warning
    ]
    assert "Vendor API flaky on Tue 14:20" in haystack
    # The week's title, section titles that only hold sections written apart (OKRs) or under their house
    # names (events), and the event, whose time the document writes on a line of its own.
    assert missing_lines(text, haystack) == [
        "# Risk Engine Weekly · W42 2025",
        "## 2. OKRs",
        "## 3. Incidents & risks",
        "- 10/16 09:30 model service outage (Sev-B), 40 min; Impact: 230 decisions delayed",
    ]
    assert "model service outage (Sev-B), 40 min; Impact: 230 decisions delayed" in haystack


def test_a_chinese_report_with_a_bracket_title_and_a_date_range_imports_every_line(team):
    text, parsed, haystack = _import(team, "other-hands-data-ops-2025-W42.md")
    (event,) = parsed.incidents
    assert (event.started_at, event.title, event.impact_count) == (at(14, 10, 20), "数仓任务失败", 15)
    assert parsed.plans == ["报表迁移收尾 @张三", "口径对齐会 @李四"]
    assert missing_lines(text, haystack) == [
        "【运营数据组 周报】2025.10.13-2025.10.19",
        "1. 10月14日（周二）上午10点20分，数仓任务失败，报表延迟2小时，影响 15 个下游看板",
    ]
