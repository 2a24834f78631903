"""Reports by other hands: titles underlined with `===`/`---` (setext headings), risk sections under other
names (Lowlights, Blockers, 困难与阻碍), and the words of the title line beyond its week."""

import pytest
from django.urls import reverse

from documents.importer import ReportFormatError, parse_document
from documents.importer.batch import check_team
from documents.importer.kinds import section_kind
from documents.importer.setext import atx_headings
from documents.importer.text import heading_title
from documents.importer.titles import title_words
from tests.documents.helpers import create_every_kpi
from tests.documents.other_hands import WEEK, at

EVENT = "- 10月15日 14:05 入金通道故障，影响32笔"


def _shape(parsed):
    return (
        [(section.title, section.body) for section in parsed.sections],
        [(event.started_at, event.title) for event in parsed.incidents],
        parsed.plans,
        parsed.todos,
        parsed.reflections,
        parsed.other,
    )


# -- setext headings -------------------------------------------------------------------------------------


def test_a_report_in_setext_headings_reads_as_the_same_report_in_atx_headings():
    setext = (
        "2025-W42\n========\n\n贝易转进展\n---------\n- 理房通已上线\n\n生产事件\n---\n"
        f"{EVENT}\n\nNext week\n---\n1. 灰度切换\n2. 压测\n\n收获与反思\n---\n多做演练\n\nOther\n---\n无\n"
    )
    atx = (
        "# 2025-W42\n\n## 贝易转进展\n- 理房通已上线\n\n## 生产事件\n"
        f"{EVENT}\n\n## Next week\n1. 灰度切换\n2. 压测\n\n## 收获与反思\n多做演练\n\n## Other\n无\n"
    )
    parsed = parse_document(setext)
    assert (parsed.week, parsed.week_source) == (WEEK, "title")
    assert _shape(parsed) == _shape(parse_document(atx))
    assert parsed.plans == ["灰度切换", "压测"] and parsed.reflections == "多做演练"
    assert [event.title for event in parsed.incidents] == ["入金通道故障"]


@pytest.mark.parametrize(
    ("mark", "heading"),
    [("===", "# 本周事件"), ("=====", "# 本周事件"), ("---", "## 本周事件"), ("------ ", "## 本周事件")],
)
def test_an_underline_of_equals_is_a_first_level_heading_and_of_dashes_a_second(mark, heading):
    assert atx_headings(["本周事件", mark, "- a"]) == [heading, "", "- a"]


def test_an_underlined_title_opens_its_section_as_a_hash_heading_does():
    parsed = parse_document(f"# 2025-W42\n\n本周事件\n=====\n{EVENT}\n")
    assert [(event.started_at, event.title) for event in parsed.incidents] == [
        (at(15, 14, 5), "入金通道故障")
    ]
    assert not parsed.sections


def test_an_underlined_title_line_gives_the_week():
    parsed = parse_document("清算组周报 2025-W42\n=================\n\n## 下周计划\n1. 复盘\n")
    assert (parsed.week, parsed.week_source, parsed.plans) == (WEEK, "title", ["复盘"])


def test_an_underlined_created_line_still_dates_the_report():
    parsed = parse_document("Created: 2025-10-15\n---\n- 理房通已上线\n\n## 下周计划\n1. 复盘\n")
    assert (parsed.week, parsed.week_source) == (WEEK, "created")


@pytest.mark.parametrize(
    "before",
    [
        "- 理房通已上线\n",  # a list item: its paragraph is no setext heading at the outer level
        "1. 理房通已上线\n",
        "- [ ] 理房通已上线\n",
        "| 指标 | 值 |\n|---|---|\n| 成功率 | 99.9% |\n",  # a table row
        "> 理房通已上线\n",  # a quote
        "理房通已上线\n\n",  # after a blank line
        "理房通已上线，\n生产验证已完成\n",  # the second line of a paragraph: a divider under prose
        "",  # alone, first in its section
    ],
)
def test_a_rule_not_under_a_lone_line_of_text_stays_a_rule(before):
    text = f"# 2025-W42\n\n## 贝易转\n{before}---\n后续排期\n"
    parsed = parse_document(text)
    assert [section.title for section in parsed.sections] == ["贝易转"]
    assert parsed.sections[0].body.endswith("---\n后续排期")


@pytest.mark.parametrize("rule", ["- - -", "-- ", "==", "---|---"])
def test_a_spaced_rule_or_a_short_underline_is_no_heading(rule):
    assert atx_headings(["贝易转进展", rule]) == ["贝易转进展", rule]


def test_a_list_item_followed_by_dashes_keeps_its_list_whole():
    parsed = parse_document("# 2025-W42\n\n## 下周计划\n1. 灰度切换\n2. 压测\n---\n3. 复盘\n")
    assert parsed.plans == ["灰度切换", "压测", "复盘"]
    assert not parsed.sections


def test_a_heading_followed_by_dashes_is_a_heading_and_a_rule():
    assert atx_headings(["### 理房通", "---"]) == ["### 理房通", "---"]


def test_a_table_separator_row_is_no_underline():
    lines = ["| 指标 | 值 |", "|---|---|", "| 成功率 | 99.9% |"]
    assert atx_headings(lines) == lines


def test_an_underline_inside_a_fenced_block_is_code():
    lines = ["```", "Next week", "---", "```", "Next week", "---"]
    assert atx_headings(lines) == ["```", "Next week", "---", "```", "## Next week", ""]


# -- risk and problem sections under other names ---------------------------------------------------------

RISK_TITLES = [
    "Lowlights",
    "Issues",
    "Problems",
    "Concerns",
    "Blockers",
    "Risks and issues",
    "问题与风险",
    "本周问题",
    "困难与阻碍",
    "3. Lowlights",
    "三、困难与阻碍",
    "(三) 本周问题",
    "3、问题与风险",
    "**LOWLIGHTS:**",
    "Risks & Issues：",
    "【问题与风险】",
    "⚠️ Blockers",
    "Highlights & lowlights",  # the lowlights are where an outage is told
]


@pytest.mark.parametrize("title", RISK_TITLES)
def test_a_risk_or_problem_section_is_known_by_its_other_names(title):
    assert section_kind(title) == "risks"


@pytest.mark.parametrize("title", ["Highlights", "1. Highlights", "**亮点**", "本周进展", "Wins"])
def test_highlights_are_no_risk_section(title):
    assert section_kind(title) == "narrative"


@pytest.mark.parametrize(
    "title", ["## Lowlights", "## Blockers", "## 三、困难与阻碍", "## 本周问题", "## Concerns"]
)
def test_a_dated_outage_under_a_risk_section_of_another_name_is_an_event_the_preview_names(title):
    parsed = parse_document(f"# 2025-W42\n\n{title}\n{EVENT}\n- 证书月底到期\n")
    assert [(event.started_at, event.title) for event in parsed.incidents] == [
        (at(15, 14, 5), "入金通道故障")
    ]
    assert parsed.sections[0].body == "- 证书月底到期"
    assert [
        warning for warning in parsed.warnings if "入金通道故障" in warning and "not titled as" in warning
    ]


def test_a_dated_outage_under_highlights_stays_text():
    parsed = parse_document(f"# 2025-W42\n\n## Highlights\n{EVENT}\n")
    assert not parsed.incidents and parsed.sections[0].body == EVENT


@pytest.mark.parametrize(
    "line",
    ["3. Issues", "3、问题与风险", "2. 困难与阻碍", "**Lowlights**", "**Blockers：**", "4. Open issues:"],
)
def test_a_numbered_or_bold_line_that_is_only_a_risk_name_opens_a_risk_section(line):
    assert section_kind(heading_title(line)) == "risks"
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n- 理房通已上线\n\n{line}\n{EVENT}\n")
    assert [section.body for section in parsed.sections if section.body] == ["- 理房通已上线"]
    assert [event.title for event in parsed.incidents] == ["入金通道故障"]


@pytest.mark.parametrize(
    "line", ["1. 解决重复入账问题", "2. 遗留问题跟进", "**重点问题跟进**", "1. Fix login issues"]
)
def test_a_numbered_or_bold_line_that_only_ends_with_a_risk_word_is_no_heading(line):
    assert heading_title(line) is None


def test_a_plan_ending_with_a_risk_word_stays_a_plan():
    parsed = parse_document("# 2025-W42\n\n## 下周计划\n1. 解决重复入账问题\n2. 压测\n")
    assert parsed.plans == ["解决重复入账问题", "压测"]


# -- the title's words beyond the week -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("# 清算组周报 2025-W42", "清算组"),
        ("# Settlement team — weekly report, week 42 (Oct 13–19)", "Settlement team"),
        ("# 2025年第42周 清算组工作周报（10月13日-10月19日）", "清算组"),
        ("【运营数据组 周报】2025.10.13-2025.10.19", "运营数据组"),
        ("# Risk Engine Weekly · W42 2025", "Risk Engine"),
        ("# W42 (10.13-10.19) 张三", "张三"),
        ("# 2025-W42", ""),
        ("# 2025-W42 周报", ""),
        ("# Weekly report — week 42, 2025", ""),
    ],
)
def test_the_titles_words_are_what_it_says_beyond_the_week_and_the_word_report(line, words):
    assert title_words(line) == words


@pytest.mark.parametrize(
    ("title", "words"),
    [
        ("# 清算组周报 2025-W42", "清算组"),
        ("# Settlement team — weekly report, week 42 (Oct 13–19, 2025)", "Settlement team"),
        ("清算组周报 2025-W42\n======", "清算组"),
    ],
)
def test_the_titles_words_beyond_the_week_are_named_in_a_note(title, words):
    parsed = parse_document(f"{title}\n\n## 下周计划\n1. 复盘\n")
    assert parsed.week == WEEK and parsed.title_words == words
    (note,) = parsed.warnings
    assert words in note and "is not imported" in note


def test_a_title_that_only_gives_the_week_gets_no_note():
    assert parse_document("# 2025-W42 周报\n\n## 下周计划\n1. 复盘\n").warnings == []


@pytest.mark.parametrize(
    "title",
    ["# 清算组周报 2025-W42", "# Settlement team — weekly report, week 42 (Oct 13–19)"],
)
def test_title_words_naming_no_team_of_the_page_are_a_warning_naming_the_team(team, title):
    parsed = parse_document(f"{title}\n\n## 下周计划\n1. 复盘\n")
    check_team(parsed, team)
    (warning,) = parsed.warnings
    assert title_words(title) in warning and "not Payments, the team you import into" in warning


@pytest.mark.parametrize(
    "title", ["# Payments weekly report 2025-W42", "# payments team · 2025-W42", "# Payments组周报 2025-W42"]
)
def test_title_words_that_only_name_the_team_imported_into_need_no_note(team, title):
    parsed = parse_document(f"{title}\n\n## 下周计划\n1. 复盘\n")
    assert parsed.warnings
    check_team(parsed, team)
    assert parsed.warnings == []


def test_title_words_naming_the_team_and_more_keep_their_note(team):
    parsed = parse_document("# Payments · 张三 2025-W42\n\n## 下周计划\n1. 复盘\n")
    check_team(parsed, team)
    (note,) = parsed.warnings
    assert "“Payments 张三”" in note and "is not imported" in note


def test_a_title_naming_another_team_of_the_site_is_still_refused(team, other_team):
    parsed = parse_document("# Risk weekly report 2025-W42\n\n## 下周计划\n1. 复盘\n")
    with pytest.raises(ReportFormatError, match="titled for Risk"):
        check_team(parsed, team)


def test_the_preview_shows_the_titles_words(client_for, lead, team):
    text = "# Settlement team — weekly report, week 42 (Oct 13–19), 2025\n\n## 下周计划\n1. 复盘\n"
    response = client_for(lead).post(reverse("report-import", args=[team.slug]), {"content": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "names “Settlement team”, not Payments" in html


def test_the_titles_words_are_reported_again_when_the_import_is_confirmed(client_for, lead, team):
    # A KPI created in the preview makes the confirm read the document again: the warning must survive it.
    text = "# 清算组周报 2025-W42\n\n## 清算\n- 清算笔数：1200笔\n\n## 下周计划\n1. 复盘\n"
    answers = create_every_kpi(team, text)
    assert answers
    response = client_for(lead).post(
        reverse("report-import", args=[team.slug]), {"content": text, "confirm": "1", **answers}, follow=True
    )
    messages = [str(message) for message in response.context["messages"]]
    assert [message for message in messages if "“清算组”, not Payments" in message]
    assert team.kpis.filter(name="清算笔数").exists()
