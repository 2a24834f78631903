"""Wordings of reports by other hands (corpus styles h–m) that were misread: one rule per test."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from common.weeks import IsoWeek
from documents.importer import import_report, parse_document
from documents.importer.catalogue import Catalogue, KpiRef, catalogue_of
from documents.importer.incidents import read_incidents
from documents.importer.kpi_tables import figures_in_table
from documents.importer.parser import section_kind
from documents.importer.recognise import figures_in_line
from documents.importer.text import heading_title
from documents.importer.weeks import detect_week
from reports.models import KPI, KPIValue

CATALOGUE = Catalogue(
    [
        KpiRef(1, "入金有效成功率", KPI.Unit.PERCENT, decimals=3),
        KpiRef(2, "出金有效成功率", KPI.Unit.PERCENT, decimals=3),
        KpiRef(3, "需求交付数", KPI.Unit.COUNT, "个"),
        KpiRef(4, "累计交易金额", KPI.Unit.CURRENCY, "万元", aliases=("总金额",)),
        KpiRef(5, "主动发现率", KPI.Unit.PERCENT, decimals=2, aliases=("主动发现",)),
        KpiRef(6, "延期率", KPI.Unit.PERCENT, decimals=2),
    ]
)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def placed(line):
    return [(f.name, f.value, f.previous) for f in figures_in_line(line, "g", CATALOGUE) if f.placed]


# -- the week -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "week", "title_index"),
    [
        (
            "# Payments Platform Weekly Report\nWeek 6 (Feb 3 - Feb 9, 2025)\n## 1. Highlights",
            IsoWeek(2025, 6),
            None,
        ),
        (
            "**支付基础架构部 周报**\n2025年第8周（2025-02-17 至 2025-02-23）\n## 一、核心指标",
            IsoWeek(2025, 8),
            None,
        ),
        (
            "# 支付中台周报 W10\n\n> 填写人：王五 ｜ 周期：2025/3/3~3/9\n### 1. 运行情况",
            IsoWeek(2025, 10),
            None,
        ),
        ("#### 支付部 2025年4月第2周 工作周报\n##### 【数据】", IsoWeek(2025, 15), 0),
        ("# Weekly report, Week 6, 2025\n## KPIs", IsoWeek(2025, 6), 0),
    ],
)
def test_the_week_said_under_the_title_or_as_a_week_of_the_month(text, week, title_index):
    found, _source, index = detect_week(text.split("\n"))
    assert (found, index) == (week, title_index)


def test_a_week_of_a_month_counts_the_weeks_whose_thursday_is_in_it():
    # 2024-08-01 is a Thursday: its week is August's first; 2025-02-01 is a Saturday: its week is January's.
    assert detect_week(["# 2024年8月第1周"])[0] == IsoWeek(2024, 31)
    assert detect_week(["# 2025年2月第1周"])[0] == IsoWeek(2025, 6)
    assert detect_week(["# 2025年2月第5周"])[0] is None  # February 2025 has four such weeks


def test_a_dated_sentence_under_the_title_or_after_a_section_names_no_week():
    sentence = (
        "本周完成了2025-03-03至2025-03-05的压测，覆盖入金、出金、代付三条主链路，结论见附件，问题已全部关闭"
    )
    assert detect_week(["**支付部周报**", sentence])[0] is None
    assert detect_week(["**支付部周报**", "**一、关键指标**", "2025/3/3~3/9"])[0] is None


# -- sections and objectives ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("5. Next week", "plans"),
        ("4. 线上问题", "incidents"),
        ("6. 其他", "other"),
        ("6. Retro", "reflections"),
    ],
)
def test_a_numbered_heading_keeps_its_kind(title, kind):
    assert section_kind(title) == kind


def test_objectives_as_bullets_inside_an_okr_section_with_their_key_results_nested():
    text = (
        "# 2025-W15\n\n## OKR\n* O1 业务服务\n"
        "    * KR1 对公收佣二期：进度 30%\n    * KR2 芝麻免押三期：60% → 75%\n"
        "* O2 平台治理\n    * KR1 WAF迁移：完成\n"
    )
    parsed = parse_document(text, catalogue=CATALOGUE)
    items = [(okr.code, item.title, item.progress) for okr in parsed.okr_sections for item in okr.items]
    assert items == [
        ("O1", "对公收佣二期", Decimal("30")),
        ("O1", "芝麻免押三期", Decimal("75")),
        ("O2", "WAF迁移", None),
    ]
    assert not parsed.figures  # 60% → 75% is a progress, not a KPI to create


def test_a_progress_in_an_open_bracket_leaves_the_name():
    parsed = parse_document("# 2025-W10\n\n## O1 业务服务\n- 对公收佣（进度：80%）\n", catalogue=CATALOGUE)
    assert [(item.title, item.progress) for item in parsed.okr_sections[0].items] == [
        ("对公收佣", Decimal("80"))
    ]


# -- figures -------------------------------------------------------------------------------------------


def test_a_list_of_percentages_split_by_a_slash():
    assert placed("入金有效成功率 99.997%／出金有效成功率 99.990%") == [
        ("入金有效成功率", Decimal("99.997"), None),
        ("出金有效成功率", Decimal("99.990"), None),
    ]
    assert placed("需求交付数 3/5 个") == []  # a date or fraction is not split


@pytest.mark.parametrize(
    ("line", "previous"),
    [
        ("出金有效成功率 99.987%, down 0.004pp WoW", "99.991"),
        ("需求交付数: 301, up 12 from last week", "289"),
    ],
)
def test_an_english_change_gives_last_week(line, previous):
    assert placed(line)[0][2] == Decimal(previous)


def test_an_amount_in_another_scale_is_not_the_kpi_value():
    figures = figures_in_line("累计交易金额：2.65亿元；总金额 2480万元", "g", CATALOGUE)
    assert [(f.name, f.value, f.placed, f.unit_label) for f in figures] == [
        ("累计交易金额", Decimal("2.65"), False, "亿元"),
        ("累计交易金额", Decimal("2480"), True, "万元"),
    ]


def test_per_mille_progress_and_targets_are_no_percent_and_no_kpi():
    (error_rate,) = figures_in_line("差错率：0.3‰", "g", CATALOGUE)
    assert (error_rate.unit, error_rate.unit_label) == (KPI.Unit.NUMBER, "‰")
    assert figures_in_line("实时数仓：完成度 70%；目标≤5%", "g", CATALOGUE) == []


def test_a_kpi_table_grouped_by_a_first_column():
    rows = [
        "| 分类 | 指标 | 目标 | 上周 | 本周 | 环比 |",
        "|:--|:--|--:|--:|--:|--:|",
        "| 稳定性 | 入金有效成功率 | 99.99% | 99.992% | 99.996% | +0.004pp |",
        "| 效能 | 需求交付数 | — | 288 | 305 | +5.9% |",
        "| 性能 | 峰值QPS | — | 1.1万 | 1.2万 | +9% |",
    ]
    found = figures_in_table(rows, "g", CATALOGUE, 8)
    assert {row: [(f.name, f.value, f.previous) for f in figures] for row, figures in found.items()} == {
        2: [("入金有效成功率", Decimal("99.996"), Decimal("99.992"))],
        3: [("需求交付数", Decimal("305"), Decimal("288"))],
    }


def test_a_table_with_a_column_per_kpi_and_a_row_per_week():
    rows = [
        "| 周 | 入金有效成功率 | 出金有效成功率 | 峰值QPS |",
        "|---|---|---|---|",
        "| W16 | 99.991% | 99.980% | 1.1万 |",
        "| W17 | 99.993% | 99.984% | 1.2万 |",
    ]
    found = figures_in_table(rows, "g", CATALOGUE, 17)
    assert [(f.name, f.value, f.previous) for f in found[3]] == [
        ("入金有效成功率", Decimal("99.993"), Decimal("99.991")),
        ("出金有效成功率", Decimal("99.984"), Decimal("99.980")),
    ]
    assert list(found) == [3]  # last week's row keeps its text
    assert figures_in_table(rows, "g", CATALOGUE, 30) == {}  # no row of this week: nothing is guessed


# -- events --------------------------------------------------------------------------------------------


def events(text):
    found, intro = read_incidents(text.split("\n"), IsoWeek(2025, 8), [])
    return found, intro


def test_events_opened_by_a_star_bullet_or_a_label():
    found, intro = events(
        "* 2月18日 14点05分至14点40分 出金延迟，定级D级，自查发现\n"
        "**事件2**：2月20日 23:40，出金对账文件晚到，次日00:25恢复，D级，银行通知发现。"
    )
    assert not intro
    assert [(e.started_at, e.resolved_at, e.grade, e.detection, e.title) for e in found] == [
        (
            dt.datetime(2025, 2, 18, 14, 5, tzinfo=ZONE),
            dt.datetime(2025, 2, 18, 14, 40, tzinfo=ZONE),
            "D",
            "proactive",
            "出金延迟",
        ),
        (
            dt.datetime(2025, 2, 20, 23, 40, tzinfo=ZONE),
            dt.datetime(2025, 2, 21, 0, 25, tzinfo=ZONE),
            "D",
            "reported",
            "出金对账文件晚到",
        ),
    ]


def test_an_event_in_english_with_its_impact_and_detection():
    (event,), _intro = events(
        "- 2025-02-18 14:05-14:37 Payout callback delayed after a gateway config change. "
        "Impact: 1,203 payouts delayed. Found by monitoring alert."
    )
    assert (event.title, event.impact, event.detection) == (
        "Payout callback delayed after a gateway config change",
        "Impact: 1,203 payouts delayed",
        "proactive",
    )


def test_a_grade_letter_inside_a_word_is_no_grade():
    (event,), _intro = events("- 2月18日 14:05 ABC级联调失败，B级客户受影响")
    assert event.grade == ""


# -- writing -------------------------------------------------------------------------------------------


def test_the_writer_does_not_put_a_figure_into_a_kpi_its_unit_does_not_fit(team):
    for position, (name, unit, label, aliases) in enumerate(
        [("主动发现率", KPI.Unit.PERCENT, "", "主动发现"), ("累计交易金额", KPI.Unit.CURRENCY, "万元", "")]
    ):
        KPI.objects.create(team=team, name=name, unit=unit, unit_label=label, decimals=2, aliases=aliases,
                           position=position)  # fmt: skip
    text = (
        "# 2025-W10\n\n## 效能\n线上 bug 7 个，其中主动发现 4 个，主动发现率 57.1%。累计交易金额：2.65亿元\n"
    )
    parsed = parse_document(text, catalogue=catalogue_of(team))
    first = import_report(parsed, team)
    assert sorted(first.unplaced) == ["主动发现", "累计交易金额", "线上 bug"]
    values = {v.kpi.name: v.value for v in KPIValue.objects.select_related("kpi")}
    assert values == {"主动发现率": Decimal("57.1")}
    assert not import_report(parse_document(text, catalogue=catalogue_of(team)), team).changed


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("2、生产事件", "2、生产事件"),
        ("3. 下周计划", "3. 下周计划"),
        ("**Incidents**", "Incidents"),
        ("**OKR：**", "OKR"),
    ],
)
def test_a_numbered_or_bold_line_that_names_a_section_opens_it(line, title):
    assert heading_title(line) == title


@pytest.mark.parametrize(
    "line", ["1. 压测", "2、线上问题修复", "**重点**", "1. 需求交付数 301", "1. 省心租北京运行数据"]
)
def test_an_item_or_emphasis_is_no_section(line):
    assert heading_title(line) is None


def test_a_report_of_plain_numbered_sections_and_an_english_grade():
    text = (
        "支付部周报 2024/8/12~8/18\n\n1、核心数据\n- 入金有效成功率 99.95 %（上周 99.93 %）\n\n"
        "2、生产事件\n- 08/14 10:20 - 10:50 payout timeout, grade C, found by alert\n\n"
        "3、下周计划\n1. 压测\n\n**OKR**\n- O1 业务服务\n  - 对公收佣 进度：75%\n"
    )
    parsed = parse_document(text, catalogue=CATALOGUE)
    assert parsed.week == IsoWeek(2024, 33)
    assert [(f.name, f.value, f.previous) for f in parsed.placed_figures] == [
        ("入金有效成功率", Decimal("99.95"), Decimal("99.93"))
    ]
    (event,) = parsed.incidents
    assert (event.grade, event.detection, event.title) == ("C", "proactive", "payout timeout")
    assert parsed.plans == ["压测"]
    assert [(i.title, i.progress) for o in parsed.okr_sections for i in o.items] == [
        ("对公收佣", Decimal("75"))
    ]


def test_an_amount_in_another_scale_is_said_in_a_warning():
    parsed = parse_document("# 2025-W12\n\n## 数据\n- 累计交易金额：2.65亿元\n", catalogue=CATALOGUE)
    assert not parsed.placed_figures
    assert any("2.65 亿元" in warning and "万元" in warning for warning in parsed.warnings)


@pytest.mark.parametrize(
    ("line", "value", "previous", "source"),
    [
        ("入金有效成功率：本周 99.992%，上周 99.990%", "99.992", "99.990", "stated"),
        ("需求交付数本周320个，上周310个", "320", "310", "stated"),
        ("入金有效成功率由上周的99.990%提升至99.992%", "99.992", "99.990", "stated"),
        ("累计交易金额 5,400.2 万元（上周 5,380.0 万元，+0.4%）", "5400.2", "5380.0", "stated"),
        ("需求交付数 320 个（上周 310 个，↑3.2%）", "320", "310", "stated"),
        ("需求交付数：320个，较上周少2个", "320", "322", "change"),
        ("入金有效成功率: 99.992% / 上周 99.990%", "99.992", "99.990", "stated"),
        ("Payin 入金有效成功率 = 99.992%", "99.992", None, ""),
    ],
)
def test_this_week_and_last_week_in_more_words(line, value, previous, source):
    ((_name, stated, before),) = placed(line)
    assert (stated, before) == (Decimal(value), Decimal(previous) if previous else None)
    (figure,) = [f for f in figures_in_line(line, "g", CATALOGUE) if f.placed]
    assert figure.previous_source == source


@pytest.mark.parametrize(
    ("line", "start", "end", "grade", "title"),
    [
        (
            "- 2024-08-13 14:05 至 2024-08-13 14:37 出金通道超时",
            (13, 14, 5),
            (13, 14, 37),
            "",
            "出金通道超时",
        ),
        ("8月13日 14:05 - 8月14日 02:10 对账延迟，持续12小时", (13, 14, 5), (14, 2, 10), "", "对账延迟"),
        ("1. 【C级】8月13日14:05，出金通道超时，14:37恢复", (13, 14, 5), (13, 14, 37), "C", "出金通道超时"),
        ("- 周二 14:05-14:37 出金通道超时", (13, 14, 5), (13, 14, 37), "", "出金通道超时"),
        ("- 2024年8月13日14时05分 出金通道超时，14时37分恢复", (13, 14, 5), (13, 14, 37), "", "出金通道超时"),
        ("- 8月13日 14:05~14:37（32分钟） 出金通道超时，C级", (13, 14, 5), (13, 14, 37), "C", "出金通道超时"),
    ],
)
def test_an_event_dated_at_both_ends_by_weekday_by_tag_or_with_时分(line, start, end, grade, title):
    (event,), _intro = read_incidents([line], IsoWeek(2024, 33), [])

    def moment(day, hour, minute):
        return dt.datetime(2024, 8, day, hour, minute, tzinfo=ZONE)

    assert (event.started_at, event.resolved_at, event.grade, event.title) == (
        moment(*start),
        moment(*end),
        grade,
        title,
    )


def test_an_event_dated_in_english():
    (event,), _intro = read_incidents(["- Feb 4, 14:05-14:37 Payout callback delayed"], IsoWeek(2025, 6), [])
    assert (event.started_at, event.resolved_at, event.title) == (
        dt.datetime(2025, 2, 4, 14, 5, tzinfo=ZONE),
        dt.datetime(2025, 2, 4, 14, 37, tzinfo=ZONE),
        "Payout callback delayed",
    )


def test_key_results_as_a_table_or_with_a_status_mark():
    text = (
        "# 2024-W33\n\n## O1 业务服务\n| KR | 进度 | 说明 |\n|---|---|---|\n| 对公收佣 | 75% | 联调 |\n"
        "| 新银收入 | 85% | 专线 |\n\n## O2 能力升级\n- ✅ 存管衍生：100%\n- 🟡 芝麻免押：70%\n"
    )
    parsed = parse_document(text, catalogue=CATALOGUE)
    assert [(o.code, i.title, i.progress) for o in parsed.okr_sections for i in o.items] == [
        ("O1", "对公收佣", Decimal("75")),
        ("O1", "新银收入", Decimal("85")),
        ("O2", "存管衍生", Decimal("100")),
        ("O2", "芝麻免押", Decimal("70")),
    ]
    assert "说明：联调" in parsed.okr_sections[0].items[0].text


def test_a_week_number_without_any_year_in_the_report_is_said_to_be_assumed():
    assert detect_week(["# 支付部周报 W33", "## 指标"])[1] == "assumed"
    assert detect_week(["# 支付部周报 W33", "Created: 2024-08-17"])[:2] == (IsoWeek(2024, 33), "title")


def test_an_event_block_with_english_fields():
    text = (
        "### 1. Payout callback delay\n- Time: 2025-02-04 14:05-14:37\n- Severity: C\n"
        "- Impact: 1,203 payouts delayed\n- Root cause: gateway pool exhausted\n"
        "- Detected by: monitoring alert"
    )
    (event,), intro = read_incidents(text.split("\n"), IsoWeek(2025, 6), [])
    assert (event.title, event.grade, event.impact, event.cause, event.detection) == (
        "Payout callback delay",
        "C",
        "1,203 payouts delayed",
        "gateway pool exhausted",
        "proactive",
    )
    assert event.resolved_at == dt.datetime(2025, 2, 4, 14, 37, tzinfo=ZONE)
    assert not intro


def test_a_sub_heading_that_is_no_event_keeps_its_lines():
    _found, intro = read_incidents(
        ["### 1. 复盘安排", "- 周五组织复盘", "- 输出改进项"], IsoWeek(2025, 6), []
    )
    assert "周五组织复盘" in intro and "输出改进项" in intro


def test_a_bold_english_event_line_with_its_share_in_the_grade_bracket():
    line = (
        "1. **Aug 13, 14:05–14:37** — payout callback delayed (C级, 0.5). Impact: 312 payouts. "
        "Detected by monitoring."
    )
    (event,), _intro = read_incidents([line], IsoWeek(2024, 33), [])
    assert (event.title, event.grade, event.share, event.detection, event.impact) == (
        "payout callback delayed",
        "C",
        Decimal("0.5"),
        "proactive",
        "Impact: 312 payouts",
    )


# -- last week's value by its week's name, and ranges ----------------------------------------------


@pytest.mark.parametrize(
    "bracket", ["（W16：99.990%）", "(w16: 99.990%)", "（2025-W16：99.990%）", "（第16周 99.990%）"]
)
def test_a_bracket_naming_last_week_by_its_number_gives_last_week(bracket):
    parsed = parse_document(
        f"# 2025-W17\n\n## 数据\n- 入金有效成功率 99.995%{bracket}\n", catalogue=CATALOGUE
    )
    ((figure),) = parsed.placed_figures
    assert (figure.value, figure.previous, figure.previous_source) == (
        Decimal("99.995"),
        Decimal("99.990"),
        "stated",
    )
    assert not parsed.warnings


@pytest.mark.parametrize("bracket", ["（W15：99.990%）", "（2024-W16：99.990%）", "（第14周 99.990%）"])
def test_a_bracket_naming_another_week_is_not_last_week_and_says_so(bracket):
    text = f"# 2025-W17\n\n## 数据\n- 入金有效成功率 99.995%{bracket}\n"
    parsed = parse_document(text, catalogue=CATALOGUE)
    ((figure),) = parsed.placed_figures
    assert (figure.value, figure.previous) == (Decimal("99.995"), None)
    assert [span[2] for span in figure.spans] == ["value"]  # the other week's figure stays as written
    assert any("2025-W16" in warning and "入金有效成功率" in warning for warning in parsed.warnings)


@pytest.mark.parametrize(
    "line",
    [
        "入金有效成功率 99.99%~99.995%",
        "入金有效成功率：99.99% ～ 99.995%",
        "需求交付数 30至40个",
        "需求交付数 30–40 个",
    ],
)
def test_a_range_is_no_value_and_stays_as_text_with_a_warning(line):
    parsed = parse_document(f"# 2025-W17\n\n## 数据\n- {line}\n", catalogue=CATALOGUE)
    assert not parsed.placed_figures
    assert any("range" in warning for warning in parsed.warnings)
    assert line in parsed.sections[0].body


def test_a_range_in_a_kpi_table_is_no_value():
    rows = [
        "| 指标 | 上周 | 本周 |",
        "|---|---|---|",
        "| 入金有效成功率 | 99.990% | 99.99%~99.995% |",
    ]
    (figure,) = figures_in_table(rows, "g", CATALOGUE, 17)[2]
    assert figure.range_text == "99.99%~99.995%"


def test_a_change_after_a_value_is_no_range():
    # A hyphen after a value starts a change as often as a range: it is read as before.
    assert placed("延期率 3.21% -0.5pp") == [("延期率", Decimal("3.21"), Decimal("3.71"))]


# -- severities on another scale ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "- 2025-02-18 14:05-14:37 【P1】出金延迟，影响 120 笔",
        "- 2025-02-18 14:05-14:37 出金延迟（P1故障），影响 120 笔",
        "- 2025-02-18 14:05-14:37 Payout delayed [Sev 2], 120 payouts",
        "- 2025-02-18 14:05-14:37 出金延迟\n  - 级别：P2",
    ],
)
def test_a_severity_on_another_scale_is_not_mapped_and_says_so(text):
    warnings = []
    (event,), _intro = read_incidents(text.split("\n"), IsoWeek(2025, 8), warnings)
    assert event.grade == ""
    assert any("A–D" in warning for warning in warnings), warnings


@pytest.mark.parametrize(
    "text",
    [
        "- 2025-02-18 14:05-14:37 【C级】出金延迟，P1 通道切换后恢复",
        "- 2025-02-18 14:05-14:37 出金延迟，切到 P2 机房后恢复",
    ],
)
def test_a_p_word_that_grades_nothing_says_nothing(text):
    warnings = []
    read_incidents(text.split("\n"), IsoWeek(2025, 8), warnings)
    assert not any("A–D" in warning for warning in warnings), warnings


@pytest.mark.parametrize("cell", ["1.2k", "3万", "12.5k个"])
def test_a_kpi_table_cell_not_read_says_so_and_stays_as_text(cell):
    # A number the KPI cannot hold as written (a `k`, a scale the KPI is not kept in) is never guessed.
    table = (
        f"| 指标 | 上周 | 本周 |\n|---|---|---|\n| 需求交付数 | 12 | {cell} |\n"
        "| 入金有效成功率 | 99.9% | 99.95% |\n"
    )
    parsed = parse_document(f"# 2025-W17\n\n## 数据\n{table}", catalogue=CATALOGUE)
    assert [figure.name for figure in parsed.placed_figures] == ["入金有效成功率"]
    assert [warning for warning in parsed.warnings if "需求交付数" in warning and cell in warning]
    assert f"| 需求交付数 | 12 | {cell} |" in parsed.sections[0].body


@pytest.mark.parametrize("cell", ["—", "N/A", "", "待补充"])
def test_a_kpi_table_cell_without_a_number_is_no_figure_and_no_warning(cell):
    table = f"| 指标 | 本周 |\n|---|---|\n| 需求交付数 | {cell} |\n"
    parsed = parse_document(f"# 2025-W17\n\n## 数据\n{table}", catalogue=CATALOGUE)
    assert not parsed.placed_figures
    assert not [warning for warning in parsed.warnings if "需求交付数" in warning]


def test_a_turned_round_kpi_table_cell_not_read_says_so():
    table = (
        "| 周 | 需求交付数 | 入金有效成功率 |\n|---|---|---|\n| W16 | 12 | 99.9% |\n| W17 | 1.2k | 99.95% |\n"
    )
    parsed = parse_document(f"# 2025-W17\n\n## 数据\n{table}", catalogue=CATALOGUE)
    assert [figure.name for figure in parsed.placed_figures] == ["入金有效成功率"]
    assert [warning for warning in parsed.warnings if "需求交付数" in warning and "1.2k" in warning]
