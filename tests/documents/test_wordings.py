"""Grammar extensions found by writing reports in new hands (corpus styles e, f, g): one rule per test."""

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest

from common.weeks import IsoWeek
from documents.importer import parse_document
from documents.importer.catalogue import Catalogue, KpiRef
from documents.importer.clocks import with_clocks
from documents.importer.incidents import read_incidents
from documents.importer.recognise import figures_in_line
from documents.importer.weeks import detect_week
from reports.models import KPI

CATALOGUE = Catalogue(
    [
        KpiRef(1, "需求吞吐率", KPI.Unit.PERCENT, decimals=2, aliases=("吞吐率",)),
        KpiRef(2, "线上bug", KPI.Unit.COUNT, "个"),
        KpiRef(3, "入金有效成功率", KPI.Unit.PERCENT, decimals=3, aliases=("入金成功率",)),
        KpiRef(4, "代码当量", KPI.Unit.NUMBER, decimals=1),
        KpiRef(5, "累计交易笔数", KPI.Unit.COUNT, "笔", aliases=("累计交易",)),
    ]
)
WEEK = IsoWeek(2024, 42)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def one(line):
    figures = [figure for figure in figures_in_line(line, "g", CATALOGUE) if figure.placed]
    assert len(figures) == 1, (line, figures)
    return figures[0]


@pytest.mark.parametrize(
    ("line", "value", "previous"),
    [
        ("吞吐率: 90.85% (WoW +1.22pp)", "90.85", "89.63"),
        ("吞吐率 90.85%，环比+1.22个百分点", "90.85", "89.63"),
        ("吞吐率 90.85%，较上周 -1.22pp", "90.85", "92.07"),
        ("吞吐率 90.85%（↑1.22pp）", "90.85", "89.63"),
        ("吞吐率 90.85%（同比上周 +1.22pp）", "90.85", "89.63"),
        ("入金成功率 99.996%，环比↑0.001pp", "99.996", "99.995"),
        ("线上bug: 5 ↓1", "5", "6"),
        ("线上bug 5个，环比减少3个", "5", "8"),
    ],
)
def test_a_change_is_a_verb_an_arrow_or_a_sign(line, value, previous):
    figure = one(line)
    assert (figure.value, figure.previous, figure.previous_source) == (
        Decimal(value),
        Decimal(previous),
        "change",
    )


@pytest.mark.parametrize(
    "line", ["吞吐率 90.85%（↑1.5%）", "吞吐率 90.85%, WoW +1.5%", "代码当量 5188.0（-2.1%）"]
)
def test_a_relative_change_by_arrow_or_sign_gives_no_previous(line):
    assert one(line).previous is None


@pytest.mark.parametrize(
    "line",
    [
        "代码当量: 5466.2 (prev 5402.7)",
        "代码当量 5466.2, vs 5402.7 last week",
        "代码当量 5466.2，上周 5402.7",
        "代码当量 5466.2 (was 5402.7)",
    ],
)
def test_last_week_named_in_english_or_chinese(line):
    figure = one(line)
    assert (figure.previous, figure.previous_source) == (Decimal("5402.7"), "stated")


@pytest.mark.parametrize(
    "line", ["入金成功率 99.998%, flat WoW", "入金成功率99.998%，与上周持平", "入金成功率 99.998%，环比持平"]
)
def test_unchanged_in_more_words(line):
    figure = one(line)
    assert (figure.previous, figure.previous_source) == (Decimal("99.998"), "unchanged")


@pytest.mark.parametrize("line", ["- 累计交易: ~2,650笔", "- 累计交易：约2650笔"])
def test_an_approximate_value_is_still_the_value(line):
    assert one(line).value == Decimal("2650")


@pytest.mark.parametrize(
    ("first_line", "week"),
    [
        ("支付研发部2024年10月第3周工作周报（10.14-10.20）", IsoWeek(2024, 42)),
        ("Payments weekly 11.11-11.17\n\n- 2024/11/12 事件", IsoWeek(2024, 46)),
        ("# Payments Weekly — Nov 18-24, 2024", IsoWeek(2024, 47)),
        ("# Week of Dec 30 - Jan 5, 2024", IsoWeek(2025, 1)),
    ],
)
def test_week_from_a_yearless_or_english_range_with_the_year_from_the_report(first_line, week):
    assert detect_week(first_line.split("\n"))[0] == week


def test_a_week_of_the_month_or_a_range_without_any_year_is_not_guessed():
    assert detect_week(["周报 10月第3周"])[0] is None
    assert detect_week(["Payments weekly 11.11-11.17"])[0] is None


@pytest.mark.parametrize(
    ("written", "clock"),
    [
        ("10月15日下午2点05分", "14:05"),
        ("23点30分", "23:30"),
        ("凌晨2:10", "02:10"),
        ("上午10点，", "10:00"),
        ("下午2点半", "14:30"),
        ("晚上11:30", "23:30"),
        ("10:12 PM", "22:12"),
        ("10:12PM", "22:12"),
        ("9am", "09:00"),
        ("11 p.m.", "23:00"),
        ("12:30 a.m.", "00:30"),
        ("12 PM", "12:00"),
    ],
)
def test_times_of_day_written_in_chinese(written, clock):
    assert clock in with_clocks(written)[0]


def test_a_count_of_points_is_not_a_time():
    assert with_clocks("以下3点改进")[0] == "以下3点改进"


@pytest.mark.parametrize("written", ["3 PMs affected", "13 PM", "v2.10 amends", "10 amounts"])
def test_words_after_a_number_are_no_twelve_hour_clock(written):
    assert with_clocks(written)[0] == written


def test_an_english_event_on_the_twelve_hour_clock():
    found, intro = events("- 10/15 10:12 PM payment timeout, recovered at 11:05 PM")
    assert [(e.started_at, e.resolved_at, e.title) for e in found] == [
        (at(15, 22, 12), at(15, 23, 5), "payment timeout")
    ]


@pytest.mark.parametrize(
    ("written", "clocks"),
    [
        ("晚上10点12分发生，11点恢复", ["22:12", "23:00"]),
        ("下午2点发生，3点半恢复", ["14:00", "15:30"]),
        ("中午12点告警，1点10分恢复", ["12:00", "13:10"]),
        # Back past the period's start: the small hours, not the afternoon.
        ("晚上11点发生，1点恢复", ["23:00", "01:00"]),
        ("晚上10点发生，次日9点恢复", ["22:00", "09:00"]),
        # A morning carries nothing; a 24-hour time is never moved.
        ("上午10点发生，11点恢复", ["10:00", "11:00"]),
        ("晚上10点发生，11:30恢复", ["22:00", "11:30"]),
        ("22点30分发生，11点恢复", ["22:30", "11:00"]),
        ("晚上10点发生，11 AM恢复", ["22:00", "11:00"]),
    ],
)
def test_a_period_of_the_day_carries_to_a_later_time_written_without_one(written, clocks):
    assert re.findall(r"\d\d:\d\d", with_clocks(written)[0]) == clocks


def events(text, week=WEEK):
    warnings = []
    found, intro = read_incidents(text.split("\n"), week, warnings)
    return found, intro


def at(day, hour, minute):
    return dt.datetime(2024, 10, day, hour, minute, tzinfo=ZONE)


def test_an_event_table_with_date_start_end_type_grade_and_discovery_columns():
    found, intro = events(
        "| 日期 | 开始 | 结束 | 类型 | 级别 | 现象 | 影响 | 发现方式 |\n"
        "|---|---|---|---|---|---|---|---|\n"
        "| 10/15 | 10:10 | 11:40 | 事故 | C级(0.5) | 代付超时 | 影响出金约1,100笔 | 用户反馈 |\n"
        "| 10/16 | 16:00 | - | 风险预警 | - | 证书将到期 | - | 巡检 |"
    )
    assert [
        (e.started_at, e.resolved_at, e.kind, e.grade, e.share, e.detection, e.impact) for e in found
    ] == [
        (at(15, 10, 10), at(15, 11, 40), "incident", "C", Decimal("0.5"), "reported", "影响出金约1,100笔"),
        (at(16, 16, 0), None, "risk", "", Decimal("1"), "proactive", ""),
    ]
    assert found[0].title == "代付超时"
    assert "|" not in intro


def test_a_table_without_a_time_column_is_no_event():
    found, intro = events("| 系统 | 问题 |\n|---|---|\n| 清结算 | 慢 |")
    assert not found and "清结算" in intro


def test_an_end_in_the_next_morning_and_durations():
    found, _intro = events(
        "1）10月17日23点30分，日终文件延迟推送，于次日凌晨2:10恢复。\n"
        "2）10月15日下午2点05分，白屏，持续35分钟。\n"
        "3. 10/16 14:00 变更：路由切换，历时1小时20分钟，无业务影响。"
    )
    assert [(e.started_at, e.resolved_at) for e in found] == [
        (at(17, 23, 30), at(18, 2, 10)),
        (at(15, 14, 5), at(15, 14, 40)),
        (at(16, 14, 0), at(16, 15, 20)),
    ]
    assert found[2].kind == "change"


def test_an_evening_event_ends_the_same_evening_when_its_end_names_no_period():
    found, _intro = events(
        "1）10月15日晚上10点12分，代付超时，11点恢复。\n"
        "2）10月16日晚上11点，对账文件延迟，1点恢复。\n"
        "3）10月17日晚上9点，清算延迟\n"
        "   - 恢复时间：10点半\n"
        "### 结算延迟\n"
        "- 时间：10月18日傍晚6点\n"
        "- 恢复时间：7点\n"
    )
    assert [(e.started_at, e.resolved_at) for e in found] == [
        (at(15, 22, 12), at(15, 23, 0)),
        (at(16, 23, 0), at(17, 1, 0)),
        (at(17, 21, 0), at(17, 22, 30)),
        (at(18, 18, 0), at(18, 19, 0)),
    ]


@pytest.mark.parametrize(
    ("line", "kind", "grade"),
    [
        ("- 10/15 10:20 [C级] 扣款超时", "incident", "C"),
        ("- 10/15 10:20 [Change] 收银台v5.2发布", "change", ""),
        ("- 10/15 10:20 [Risk] 证书将到期", "risk", ""),
        ("- 10/15 10:20 隐患：Redis内存偏高", "risk", ""),
        ("- 10/15 10:20 网关升级后报错，升级为B级事件", "incident", "B"),
    ],
)
def test_tags_and_words_say_the_kind_and_grade(line, kind, grade):
    (event,), _intro = events(line)
    assert (event.kind, event.grade) == (kind, grade)
    assert not event.title.startswith("[")


def test_impact_after_a_few_words_of_when():
    (event,), _intro = events("- 10/16 14:00 变更：路由切换，切换期间无业务影响。")
    assert event.impact == "切换期间无业务影响"


OKR = """# 2024-W42

## OKR

**O1 业务服务**

- 芝麻免押二期 (100%) — 9/19 全量上线
- 存管账户能力迁移 55%（上周50%）
- 房屋交付（75%）：中信通道备份已上线
- 资金安全：进度：30% → 35%
- KR1 DocAI房产证专项 — 50% (was 40%)
- 吞吐率 90.85%
"""


def test_key_results_state_progress_in_many_ways_and_a_kpi_bullet_stays_a_figure():
    parsed = parse_document(OKR, catalogue=CATALOGUE)
    items = [
        (item.title, item.progress)
        for section in parsed.sections
        if section.okr
        for item in section.okr.items
    ]
    assert items == [
        ("芝麻免押二期", Decimal("100")),
        ("存管账户能力迁移", Decimal("55")),
        ("房屋交付", Decimal("75")),
        ("资金安全", Decimal("35")),
        ("DocAI房产证专项", Decimal("50")),
    ]
    assert [figure.name for figure in parsed.placed_figures] == ["需求吞吐率"]


def test_english_section_names():
    parsed = parse_document(
        "# 2024-W42\n\n## Action items\n\n- [ ] a\n\n## Next Week\n\n1. b\n\n## Retro\n\nc\n",
        catalogue=CATALOGUE,
    )
    assert [todo.text for todo in parsed.todos] == ["a"]
    assert parsed.plans == ["b"]
    assert parsed.reflections == "c"


def test_a_long_label_matches_by_its_ending_as_a_short_one_does():
    # Only suffixes up to the longest known name are looked up: the same answer, at any label length.
    assert CATALOGUE.match("本周研发与测试都有需求积压的情况下" * 500 + "需求吞吐率").id == 1
    assert CATALOGUE.match("说明" * 5000) is None
    assert CATALOGUE.match("吞吐率").id == 1
