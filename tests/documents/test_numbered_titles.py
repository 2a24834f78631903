"""A numbered section name alone on its line (`3. Lessons learned`, `2) Production incidents`) titles its
section where the document's numbering is that of its headings; the same line as an item of a list (`2. 复盘`
among the plans) stays an item. One rule per test."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from documents.importer import parse_document
from documents.importer.figures import normalize
from documents.importer.text import heading_title, line_titles, split_lines

EVENT = "- 10月15日 14:05 入金通道故障，影响32笔"


def titles_of(text: str) -> list[str]:
    return [title for title in line_titles(split_lines(text)) if title is not None]


def plans_section(items: str) -> str:
    return f"# 2025-W42\n\n## 贝易转\n- 理房通已上线\n\n## 下周计划\n{items}\n"


@pytest.mark.parametrize(
    ("before", "line", "read"),
    [
        ("2. 风险", "3. Lessons learned", lambda parsed: parsed.reflections == EVENT),
        ("2. 风险", "**3. Lessons learned**", lambda parsed: parsed.reflections == EVENT),
        ("2、风险", "3、经验教训：", lambda parsed: parsed.reflections == EVENT),
        ("2) 风险", "3) 复盘", lambda parsed: parsed.reflections == EVENT),
        ("(2) 风险", "(3) Retro", lambda parsed: parsed.reflections == EVENT),
        (
            "2) 风险",
            "3) Production incidents",
            lambda parsed: [e.title for e in parsed.incidents] == ["入金通道故障"],
        ),
        ("2. 风险", "3. Upcoming", lambda parsed: parsed.plans == [EVENT[2:]]),
        ("2、风险", "3、下周重点", lambda parsed: parsed.plans == [EVENT[2:]]),
        ("2. 风险", "3. Next week's plan:", lambda parsed: parsed.plans == [EVENT[2:]]),
        ("2. 风险", "3. Follow-ups", lambda parsed: [todo.text for todo in parsed.todos] == [EVENT[2:]]),
    ],
)
def test_a_numbered_name_after_a_heading_numbered_the_same_way_opens_its_section(before, line, read):
    text = f"# 2025-W42\n\n## 贝易转\n- 理房通已上线\n\n{before}\n- 证书月底到期\n{line}\n{EVENT}\n"
    parsed = parse_document(text)
    assert read(parsed)
    assert titles_of(text) == ["2025-W42", "贝易转", before, line.strip("*").rstrip(":：")]


def test_a_numbered_name_before_a_heading_numbered_one_more_opens_its_section():
    text = "# 2025-W42\n\n1) Highlights\n- 理房通已上线\n\n2) 生产事件\n" + EVENT + "\n"
    assert titles_of(text) == ["2025-W42", "1) Highlights", "2) 生产事件"]
    assert [(section.title, section.body) for section in parse_document(text).sections] == [
        ("1) Highlights", "- 理房通已上线")
    ]


def test_a_report_whose_headings_are_only_numbered_names_is_read_section_by_section():
    text = (
        "Payments weekly 2025-W42\n\n1) Highlights\n- 理房通已上线\n\n"
        "2) Production incidents\n- Oct 15, 14:05 payout outage, lasted 40 min\n\n"
        "3) Lessons learned\n- Smaller releases went better.\n\n4) Upcoming\n1. 压测\n2. 复盘\n"
    )
    parsed = parse_document(text)
    assert [(section.title, section.body) for section in parsed.sections] == [
        ("1) Highlights", "- 理房通已上线")
    ]
    assert [event.title for event in parsed.incidents] == ["payout outage"]
    assert parsed.reflections == "- Smaller releases went better."
    assert parsed.plans == ["压测", "复盘"]


REFLECTED = lambda parsed: parsed.reflections == EVENT  # noqa: E731
OUTAGE = lambda parsed: [event.title for event in parsed.incidents] == ["入金通道故障"]  # noqa: E731


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("3. Lessons learned", REFLECTED),
        ("2) 复盘", REFLECTED),
        ("4、经验教训", REFLECTED),
        ("(2) Outages", OUTAGE),
    ],
)
def test_a_numbered_name_standing_apart_from_any_list_in_a_narrative_section_opens_its_section(line, read):
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n- 理房通已上线\n\n{line}\n{EVENT}\n")
    assert [(section.title, section.body) for section in parsed.sections] == [("贝易转", "- 理房通已上线")]
    assert read(parsed)


@pytest.mark.parametrize(
    ("items", "plans"),
    [
        ("1. 压测\n2. 复盘\n- 证书过期原因", ["压测", "复盘", "证书过期原因"]),  # a run of items
        ("1. 压测\n2. 复盘\n\n3. 经验教训\n- 证书过期原因", ["压测", "复盘", "经验教训", "证书过期原因"]),
        ("1. 复盘\n- 证书过期原因\n2. 压测", ["复盘", "证书过期原因", "压测"]),  # one more after it
        ("- 压测\n\n3. 复盘\n- 证书过期原因", ["压测", "复盘", "证书过期原因"]),  # a plan's own line
        ("1. 复盘\n- 证书过期原因", ["复盘", "证书过期原因"]),
        ("1. 压测\n2. 复盘", ["压测", "复盘"]),  # nothing follows it
        ("1. 压测\n2. 复盘 the outage\n- 证书", ["压测", "复盘 the outage", "证书"]),  # more than a name
    ],
)
def test_a_numbered_name_among_the_plans_stays_a_plan(items, plans):
    parsed = parse_document(plans_section(items))
    assert parsed.plans == plans
    assert not parsed.reflections
    assert titles_of(plans_section(items)) == ["2025-W42", "贝易转", "下周计划"]


@pytest.mark.parametrize(
    "text",
    [
        "1. 理房通上线\n2. 复盘\n- 证书过期原因\n3. 压测",  # an item of the section's list
        "1. 复盘\n- 证书过期原因\n2. 理房通上线",
        "1. 压测\n2. 复盘\n3. 经验教训",
    ],
)
def test_a_numbered_name_in_a_list_of_a_narrative_section_stays_in_it(text):
    parsed = parse_document(f"# 2025-W42\n\n## 贝易转\n{text}\n")
    assert [(section.title, section.body) for section in parsed.sections] == [("贝易转", text)]


def test_a_numbered_name_after_the_items_numbered_one_less_under_a_numbered_heading_stays_an_item():
    text = "# 2025-W42\n\n2. 下周计划\n1. 压测\n- 脚本\n2. 上线\n- 灰度\n3. 复盘\n- 证书过期原因\n"
    assert parse_document(text).plans == ["压测", "脚本", "上线", "灰度", "复盘", "证书过期原因"]


def test_a_numbered_name_after_a_plans_heading_it_counts_on_from_opens_its_section():
    text = "# 2025-W42\n\n2. 下周计划\n1. 压测\n- 脚本\n\n3. Lessons learned\n- 证书过期原因\n"
    parsed = parse_document(text)
    assert parsed.plans == ["压测", "脚本"]
    assert parsed.reflections == "- 证书过期原因"


def test_a_markdown_heading_numbers_no_plain_line_as_a_heading():
    text = "# 2025-W42\n\n## 2. 下周计划\n1. 压测\n\n3. 复盘\n- 证书过期原因\n"
    assert parse_document(text).plans == ["压测", "复盘", "证书过期原因"]


def test_a_numbered_name_under_an_events_sub_heading_is_part_of_the_event():
    text = (
        "# 2025-W42\n\n## 生产事件\n### 10月15日 14:05 入金通道故障\n- 影响：32笔\n\n"
        "1. 复盘\n- 银行证书过期未续\n\n## 下周计划\n1. 续期\n"
    )
    parsed = parse_document(text)
    (event,) = parsed.incidents
    assert "银行证书过期未续" in event.text
    assert not parsed.reflections and parsed.plans == ["续期"]


def test_line_titles_reads_a_numbered_name_only_where_the_numbering_is_a_headings():
    lines = [
        "1) 效能",
        "- 吞吐率 90%",
        "2) 生产事件",
        EVENT,
        "3) Lessons learned",
        "- 证书",
        "1. 压测",
        "2. 复盘",
    ]
    assert line_titles(lines) == [None, None, "2) 生产事件", None, "3) Lessons learned", None, None, None]


# -- any numbering, any names --------------------------------------------------------------------------

NAMES = ["Lessons learned", "复盘", "经验教训", "Production incidents", "Upcoming", "下周重点", "Highlights"]
NAMES += ["Retro", "Outages", "Next week's plan", "Key risks", "其他", "Action items", "Learnings", "心得"]
NAMES += ["本周亮点", "Follow-ups", "Stability", "What went well", "Next steps"]
STYLES = ["{}. ", "{}、", "{}) ", "({}) ", "**{}. ", "{}．"]


def numbered(style: str, number: int, name: str) -> str:
    return style.format(number) + name + ("**" if style.startswith("**") else "")


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    names=st.lists(st.sampled_from(NAMES), min_size=2, max_size=6),
    style=st.sampled_from(STYLES),
    first=st.integers(1, 5),
    blank=st.booleans(),
)
def test_numbered_names_numbered_in_turn_each_head_their_content(names, style, first, blank):
    gap = "\n" if blank else ""
    headings = [numbered(style, first + index, name) for index, name in enumerate(names)]
    text = "# 2025-W42\n\n" + "".join(
        f"{heading}\n- 第{index}项\n{gap}" for index, heading in enumerate(headings)
    )
    expected = ["2025-W42", *(normalize(heading.strip("*")) for heading in headings)]
    assert [normalize(title) for title in titles_of(text)] == expected


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    items=st.lists(
        st.sampled_from([*NAMES, "压测", "上线理房通", "Renew the certificate"]), min_size=1, max_size=6
    ),
    details=st.lists(st.booleans(), min_size=6, max_size=6),
    style=st.sampled_from(STYLES[:3]),  # the plans read `(1)` as part of an item
    heading=st.sampled_from(
        ["## 下周计划", "下周计划", "Plans for next week:", "2. 下周计划", "**Next week**"]
    ),
    blank=st.booleans(),
)
def test_numbered_items_of_a_plan_list_stay_plans_whatever_their_words(items, details, style, heading, blank):
    # Only the names the older rules leave open; those they read (`1. Production incidents`, `2. 下周计划`)
    # are judged in test_numbered_items.
    assume(all(heading_title(numbered(style, index + 1, item)) is None for index, item in enumerate(items)))
    gap = "\n" if blank else ""
    body = "".join(
        numbered(style, index + 1, item) + "\n" + ("- 细节\n" if detail else "") + gap
        for index, (item, detail) in enumerate(zip(items, details, strict=False))
    )
    text = f"# 2025-W42\n\n## 贝易转\n- 理房通已上线\n\n{heading}\n{body}"
    assert len(titles_of(text)) == 3
    assert [plan for plan in parse_document(text).plans if plan != "细节"] == items
