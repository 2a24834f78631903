"""A numbered line the older rules always read as a heading (`一、压测`, `2. 处理线上事件`, `3. 值班安排`) is
one only where the document's structure says so: in a run of numbered lines of a section that holds a
list it is an item, and the document's own outline (`一、效能` … `四、下周计划`) keeps its sections. The
plans and TODOs lose their numbering marks whatever the style (`(1)`, `①`, `一、`)."""

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from documents.importer import parse_document
from documents.importer.figures import normalize
from documents.importer.text import line_titles, split_lines

CORPUS = Path(__file__).resolve().parent / "corpus"
EVENT = "- 10月15日 14:05 入金通道故障，影响32笔"


def titles_of(text: str) -> list[str]:
    return [normalize(title) for title in line_titles(split_lines(text)) if title is not None]


def document(*parts: str) -> str:
    return "# 2025-W42\n\n## 贝易转\n- 理房通已上线\n\n" + "\n".join(parts) + "\n"


@pytest.mark.parametrize(
    "items",
    [
        "一、压测\n二、复盘\n三、上线",
        "一、压测\n\n二、复盘\n\n三、上线",
        "(一) 压测\n(二) 复盘\n(三) 上线",
        "一．压测\n二．复盘\n三．上线",
    ],
)
def test_plans_numbered_in_chinese_under_a_plans_heading_stay_plans(items):
    parsed = parse_document(document("## 下周计划", items))
    assert parsed.plans == ["压测", "复盘", "上线"]
    assert [section.title for section in parsed.sections] == ["贝易转"]


def test_a_single_plan_numbered_in_chinese_is_a_plan_not_a_section():
    parsed = parse_document(document("## 下周计划", "一、压测", "", "## 其他", "周四团建"))
    assert parsed.plans == ["压测"]
    assert parsed.other == "周四团建"


def test_a_bare_plans_name_heads_the_chinese_numbered_plans_after_it():
    parsed = parse_document(document("Plans for next week:", "一、压测", "二、复盘"))
    assert parsed.plans == ["压测", "复盘"]
    assert [section.title for section in parsed.sections] == ["贝易转"]


@pytest.mark.parametrize(
    ("items", "plans"),
    [
        ("1. 压测\n2. Production incidents\n3. 上线", ["压测", "Production incidents", "上线"]),
        ("1. 压测\n2. 处理线上事件\n3. 上线", ["压测", "处理线上事件", "上线"]),
        ("1、压测\n2、中秋假期值班安排\n3、上线", ["压测", "中秋假期值班安排", "上线"]),
        ("1. Production incidents\n2. 压测", ["Production incidents", "压测"]),
        ("1. Risks\n2. 压测", ["Risks", "压测"]),
    ],
)
def test_arabic_numbered_plans_ending_in_a_section_word_stay_plans(items, plans):
    parsed = parse_document(document("## Next week", items))
    assert parsed.plans == plans
    assert parsed.incidents == [] and [section.title for section in parsed.sections] == ["贝易转"]


def test_a_line_ending_in_a_section_word_in_a_narrative_list_stays_in_the_list():
    items = "1. 处理线上事件\n2. 压测\n3. 年底封网计划"
    parsed = parse_document(document("## 本周工作", items))
    assert [(section.title, section.body) for section in parsed.sections] == [
        ("贝易转", "- 理房通已上线"),
        ("本周工作", items),
    ]
    assert parsed.plans == [] and parsed.incidents == []


def test_a_reflection_ending_in_a_section_word_stays_in_the_reflections():
    parsed = parse_document(document("## 收获与反思", "1. 小步发布效果更好", "2. 事件要及时复盘与总结"))
    assert parsed.reflections == "1. 小步发布效果更好\n2. 事件要及时复盘与总结"


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("style-d-2024-W37.md", lambda parsed: parsed.plans == ["芝麻免押二期上线", "中秋假期值班安排"]),
        ("style-g-2024-W46.md", lambda parsed: parsed.plans == ["B级复盘改进项收尾", "年底封网计划"]),
        (
            "style-a-2024-W34.md",
            lambda parsed: parsed.other.endswith("2. 理房通十周年活动彩排\n3. 新同学入职带教安排"),
        ),
    ],
)
def test_the_corpus_items_ending_in_a_section_word_stay_in_their_list(name, read):
    parsed = parse_document((CORPUS / name).read_text(encoding="utf-8"))
    assert read(parsed)
    assert not any(section.title[:1].isdigit() for section in parsed.sections)


def test_a_chinese_outline_goes_on_after_a_list_of_its_plans_numbered_in_its_style():
    text = (
        "# 2025-W42\n\n一、本周工作\n- 压测完成\n\n二、生产事件\n" + EVENT + "\n\n"
        "三、下周计划\n一、压测\n二、复盘\n\n四、其他\n周四团建\n"
    )
    parsed = parse_document(text)
    assert titles_of(text) == ["2025-W42", "一、本周工作", "二、生产事件", "三、下周计划", "四、其他"]
    assert parsed.plans == ["压测", "复盘"]
    assert [event.title for event in parsed.incidents] == ["入金通道故障"]
    assert parsed.other == "周四团建"


def test_a_section_name_the_outline_counts_up_to_after_a_list_as_long_heads_its_section():
    text = "# 2025-W42\n\n一、本周工作\n- 压测完成\n\n二、下周计划\n一、压测\n二、上线\n三、其他\n- 团建\n"
    parsed = parse_document(text)
    assert parsed.plans == ["压测", "上线"]
    assert parsed.other == "- 团建"


@pytest.mark.parametrize(
    ("items", "plans"),
    [
        ("(1) 压测\n(2) 复盘", ["压测", "复盘"]),
        ("（1）压测\n（2）复盘", ["压测", "复盘"]),
        ("① 压测\n② 复盘", ["压测", "复盘"]),
        ("⑴ 压测\n⑵ 复盘", ["压测", "复盘"]),
        ("(一) 压测\n(二) 复盘", ["压测", "复盘"]),
        ("(1) 压测\n(可选) 上线\n一些收尾", ["压测", "(可选) 上线", "一些收尾"]),  # words, no numbering
    ],
)
def test_a_plans_numbering_mark_is_not_part_of_the_plan(items, plans):
    assert parse_document(document("## 下周计划", items)).plans == plans


def test_a_todos_numbering_mark_is_not_part_of_the_todo():
    parsed = parse_document(document("## 待办事项", "(1) 证书续期\n② 入金超时复盘"))
    assert [todo.text for todo in parsed.todos] == ["证书续期", "入金超时复盘"]


# -- any numbering, any plans heading ----------------------------------------------------------------------

CHINESE = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
STYLES = {
    "一、": lambda number: f"{CHINESE[number - 1]}、",
    "(一)": lambda number: f"({CHINESE[number - 1]}) ",
    "1.": lambda number: f"{number}. ",
    "1、": lambda number: f"{number}、",
    "1)": lambda number: f"{number}) ",
    "(1)": lambda number: f"({number}) ",
    "（1）": lambda number: f"（{number}）",
    "①": lambda number: chr(0x2460 + number - 1) + " ",
}
PLAN_WORDS = [
    "压测",
    "复盘",
    "上线理房通",
    "处理线上事件",
    "中秋假期值班安排",
    "年底封网计划",
    "Production incidents",
]
PLAN_WORDS += ["事件要及时复盘与总结", "Renew the certificate", "风险", "下周计划", "Retro", "其他"]
PLANS_HEADINGS = ["## 下周计划", "下周计划", "Plans for next week:", "**Next week**", "## Next week's plan"]
PLANS_HEADINGS += ["## 下周工作及目标", "【下周安排】"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    items=st.lists(st.sampled_from(PLAN_WORDS), min_size=1, max_size=6),
    style=st.sampled_from(sorted(STYLES)),
    heading=st.sampled_from(PLANS_HEADINGS),
    blank=st.booleans(),
    after=st.sampled_from(["", "## 其他\n周四团建"]),
)
def test_a_plan_list_in_any_numbering_under_any_plans_heading_stays_plans(
    items, style, heading, blank, after
):
    gap = "\n" if blank else ""
    body = "".join(f"{STYLES[style](index)}{item}\n{gap}" for index, item in enumerate(items, start=1))
    parsed = parse_document(document(heading, body, after))
    assert parsed.plans == items
    assert [section.title for section in parsed.sections] == ["贝易转"]
    assert parsed.other == ("周四团建" if after else "")


OUTLINE_NAMES = ["效能", "核心指标", "本周工作", "重点项目", "生产事件", "线上问题", "问题与风险", "待办事项"]
OUTLINE_NAMES += ["本周体会", "收获与反思", "思考与总结", "OKR进展", "系统运行"]
OUTLINE_STYLES = ["{}、", "{}．", "({})", "**{}、"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    names=st.lists(st.sampled_from(OUTLINE_NAMES), min_size=1, max_size=5),
    style=st.sampled_from(OUTLINE_STYLES),
    plans_at=st.integers(0, 5),
    plans=st.lists(st.sampled_from(["压测", "上线", "处理线上事件", "年底封网计划"]), min_size=1, max_size=3),
    wrapper=st.sampled_from(["", "# 本周总结\n\n", "## 周报\n\n"]),
    blank=st.booleans(),
)
def test_a_chinese_outline_keeps_its_sections_around_plans_numbered_in_its_style(
    names, style, plans_at, plans, wrapper, blank
):
    """The outline's plans section holds a list numbered as the outline is, counted afresh from 一."""
    names = [*names[:plans_at], "下周计划", *names[plans_at:]]
    position = names.index("下周计划") + 1
    # A list whose last number is one less than the outline's next: the outline's next line goes on with the
    # list unless it is a section's name alone (test_a_section_name_the_outline_counts_up_to_…).
    assume(len(plans) != position)

    def numbered(number: int, text: str, bold: bool = True) -> str:
        mark = style.format(CHINESE[number - 1])
        return mark + text + "**" if bold and style.startswith("**") else mark.removeprefix("**") + text

    gap = "\n" if blank else ""
    parts = []
    for number, name in enumerate(names, start=1):
        if name == "下周计划":
            items = "".join(
                f"{numbered(index, plan, bold=False)}\n{gap}" for index, plan in enumerate(plans, start=1)
            )
            parts.append(f"{numbered(number, name)}\n{items}\n")
        else:
            parts.append(f"{numbered(number, name)}\n- 第{number}项\n\n")
    text = "# 2025-W42\n\n" + wrapper + "".join(parts)
    headings = [normalize(numbered(number, name)).strip("*") for number, name in enumerate(names, start=1)]
    expected = ["2025-W42", *([normalize(wrapper.strip("# \n"))] if wrapper else []), *headings]
    assert titles_of(text) == expected
    assert parse_document(text).plans == plans
