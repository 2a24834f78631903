"""A section's name alone on its line (`Issues`, `Plans for next week`, `问题与风险：`) titles its section
where it stands as a heading; the same words as a list item, a sentence or a label inside other text do
not. One rule per test."""

import pytest

from documents.export import team_week_markdown
from documents.importer import import_report, parse_document
from documents.importer.text import line_titles
from tests.documents.helpers import missing_lines, week_haystack
from tests.documents.other_hands import WEEK, at

EVENT = "- 10月15日 14:05 入金通道故障，影响32笔"


def sections(text: str) -> list[tuple[str, str]]:
    return [(section.title, section.body) for section in parse_document(text).sections]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Issues", "Issues"),
        ("Issues:", "Issues"),
        ("Risks", "Risks"),
        ("Key risks", "Key risks"),
        ("Risks & Issues：", "Risks & Issues"),
        ("问题与风险", "问题与风险"),
        ("问题：", "问题"),
        ("Stability and risks", "Stability and risks"),
    ],
)
def test_a_risk_name_alone_on_its_line_opens_a_risk_section_and_its_events_are_read(line, title):
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n- 理房通已上线\n\n{line}\n{EVENT}\n- 证书月底到期\n")
    assert [(section.title, section.body) for section in parsed.sections] == [
        ("贝易转", "- 理房通已上线"),
        (title, "- 证书月底到期"),
    ]
    assert [(event.started_at, event.title) for event in parsed.incidents] == [
        (at(15, 14, 5), "入金通道故障")
    ]


@pytest.mark.parametrize("line", ["Plans for next week", "Next week", "Next steps:", "Plans", "下周计划"])
def test_a_plans_name_alone_on_its_line_opens_the_plans(line):
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n联调完成。\n{line}\n1. 压测\n2. 复盘\n")
    assert parsed.plans == ["压测", "复盘"]
    assert [(section.title, section.body) for section in parsed.sections] == [("贝易转", "联调完成。")]


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("Incidents", lambda parsed: [event.title for event in parsed.incidents] == ["入金通道故障"]),
        ("Reflections:", lambda parsed: parsed.reflections == EVENT),
        ("Others", lambda parsed: parsed.other == EVENT),
        ("Action items", lambda parsed: [todo.text for todo in parsed.todos] == [EVENT[2:]]),
    ],
)
def test_the_name_of_each_kind_of_section_alone_on_its_line_opens_it(line, read):
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n- 理房通已上线\n\n{line}\n{EVENT}\n")
    assert read(parsed)
    assert [section.title for section in parsed.sections] == ["贝易转"]


PLAIN = """Payments weekly 2025-W42

Incidents
- Oct 15, 14:05 payout outage, lasted 40 min

Issues:
- Certificate expires at month end
Plans for next week
1. Renew the certificate
2. Load test

Reflections
Smaller releases went better.
"""


def test_a_report_titled_only_by_bare_names_is_read_section_by_section():
    parsed = parse_document(PLAIN)
    assert [(event.title, event.started_at, event.resolved_at) for event in parsed.incidents] == [
        ("payout outage", at(15, 14, 5), at(15, 14, 45))
    ]
    assert sections(PLAIN) == [("Issues", "- Certificate expires at month end")]
    assert parsed.plans == ["Renew the certificate", "Load test"]
    assert parsed.reflections == "Smaller releases went better."


def test_a_report_titled_by_bare_names_is_imported_with_no_line_dropped(team):
    import_report(parse_document(PLAIN), team)
    haystack = week_haystack(team, WEEK, team_week_markdown(team, WEEK))
    # The title gives the week; the events are written back under the house title, each line as its time and
    # title apart.
    assert missing_lines(PLAIN, haystack) == [
        "Payments weekly 2025-W42",
        "Incidents",
        "- Oct 15, 14:05 payout outage, lasted 40 min",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "- Issues\n- 证书月底到期",  # an item of a list
        "Issues were few this week.\n- 证书月底到期",  # a sentence
        "| Issues | 2 |\n|---|---|\n| Risks | 1 |",  # a table's cells
        "We reviewed the\nRisks\n- 证书月底到期",  # a line of prose that goes on into it
        "Issues\nwere few this week.",  # a sentence's start, wrapped
        "理房通已上线。\n\nIssues",  # nothing follows it
        "理房通已上线。\n\nIssues\n\n## 下周计划\n1. 压测",  # a title follows it
        "  Issues\n  - 证书月底到期",  # indented under the section
        "Production incidents are reviewed monthly\n- 证书月底到期",  # more words than a name
        "下周继续推进\n- 证书月底到期",
    ],
)
def test_the_words_of_a_name_that_do_not_stand_as_a_heading_stay_in_their_section(text):
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n{text}\n")
    assert [section.title for section in parsed.sections] == ["贝易转"]
    assert text.split("\n")[0].strip() in parsed.sections[0].body


def test_a_todo_line_alone_still_opens_the_todos_of_its_section():
    parsed = parse_document("# 2025-W42\n\n## 效能\n- 吞吐率 90%\n\nTODO:\n1. 定级规则落地\n")
    assert [(todo.text, todo.section_title) for todo in parsed.todos] == [("定级规则落地", "效能")]


def test_a_bare_name_under_an_events_sub_heading_is_part_of_the_event():
    text = (
        "# 2025-W42\n\n## 生产事件\n### 10月15日 14:05 入金通道故障\n- 影响：32笔\n\n"
        "总结\n- 银行证书过期未续\n\n## 下周计划\n1. 续期\n"
    )
    parsed = parse_document(text)
    (event,) = parsed.incidents
    assert "银行证书过期未续" in event.text
    assert not parsed.reflections and parsed.plans == ["续期"]


def test_line_titles_reads_a_bare_name_only_where_it_heads_what_follows():
    lines = ["Issues", "- 证书月底到期", "", "- Issues", "Risks", "", "## 下周计划", "1. 压测"]
    assert line_titles(lines) == ["Issues", None, None, None, None, None, "下周计划", None]


@pytest.mark.parametrize(
    ("line", "read"),
    [
        (
            "Production incidents",
            lambda parsed: [event.title for event in parsed.incidents] == ["入金通道故障"],
        ),
        (
            "Incidents this week",
            lambda parsed: [event.title for event in parsed.incidents] == ["入金通道故障"],
        ),
        ("Outages", lambda parsed: [event.title for event in parsed.incidents] == ["入金通道故障"]),
        ("线上问题", lambda parsed: [event.title for event in parsed.incidents] == ["入金通道故障"]),
        ("生产问题：", lambda parsed: [event.title for event in parsed.incidents] == ["入金通道故障"]),
        ("**Lessons learned**", lambda parsed: parsed.reflections == EVENT),
        ("Lessons learned", lambda parsed: parsed.reflections == EVENT),
        ("Learnings", lambda parsed: parsed.reflections == EVENT),
        ("What went well / What didn't", lambda parsed: parsed.reflections == EVENT),
        ("经验教训", lambda parsed: parsed.reflections == EVENT),
        ("复盘", lambda parsed: parsed.reflections == EVENT),
        ("Next week's plan", lambda parsed: parsed.plans == [EVENT[2:]]),
        ("Upcoming", lambda parsed: parsed.plans == [EVENT[2:]]),
        ("下周安排", lambda parsed: parsed.plans == [EVENT[2:]]),
        ("**下周重点**", lambda parsed: parsed.plans == [EVENT[2:]]),
    ],
)
def test_more_names_of_each_kind_alone_on_their_line_open_it(line, read):
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n- 理房通已上线\n\n{line}\n{EVENT}\n")
    assert read(parsed)
    assert [section.title for section in parsed.sections] == ["贝易转"]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Highlights", "Highlights"),
        ("本周亮点：", "本周亮点"),
        ("Lowlights", "Lowlights"),
        ("稳定性", "稳定性"),
    ],
)
def test_highlights_lowlights_and_stability_alone_on_their_line_open_a_section_of_their_own(line, title):
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n- 理房通已上线\n\n{line}\n- 入金成功率 99.9%\n")
    assert [(section.title, section.body) for section in parsed.sections] == [
        ("贝易转", "- 理房通已上线"),
        (title, "- 入金成功率 99.9%"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Machine learning platform\n- 证书月底到期",  # `learning` is no learnings
        "Upcoming releases are frozen.\n- 证书月底到期",  # a sentence
        "1. 压测\n2. 复盘\n3. 经验教训",  # items of a list
        "下周重点推进\n- 证书月底到期",  # more words than a name
        "**重点**\n- 证书月底到期",  # emphasis, no name
    ],
)
def test_the_new_words_that_do_not_stand_as_a_name_stay_in_their_section(text):
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n{text}\n")
    assert [section.title for section in parsed.sections] == ["贝易转"]


def test_a_bold_name_under_an_events_sub_heading_is_part_of_the_event():
    text = (
        "# 2025-W42\n\n## 生产事件\n### 10月15日 14:05 入金通道故障\n- 影响：32笔\n\n"
        "**复盘**\n- 银行证书过期未续\n\n## 下周计划\n1. 续期\n2. 复盘\n"
    )
    (event,) = parse_document(text).incidents
    assert "银行证书过期未续" in event.text
    assert parse_document(text).plans == ["续期", "复盘"]
