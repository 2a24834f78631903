"""Wordings of reports by other hands (corpus styles o–t) that were misread: one rule per test."""

import datetime as dt
import zoneinfo
from decimal import Decimal

from common.weeks import IsoWeek
from documents.importer import parse_document
from documents.importer.catalogue import Catalogue, KpiRef
from documents.importer.incidents import read_incidents
from documents.importer.recognise import figures_in_line
from documents.importer.text import split_lines
from reports.models import KPI

CATALOGUE = Catalogue(
    [
        KpiRef(1, "入金有效成功率", KPI.Unit.PERCENT, decimals=3),
        KpiRef(2, "出金有效成功率", KPI.Unit.PERCENT, decimals=3),
        KpiRef(3, "需求交付数", KPI.Unit.COUNT, "个"),
        KpiRef(4, "平均单笔金额", KPI.Unit.CURRENCY, "万元", decimals=2, aliases=("平均单笔",)),
        KpiRef(5, "主动发现率", KPI.Unit.PERCENT, decimals=2, aliases=("主动发现",)),
        KpiRef(6, "线上bug", KPI.Unit.COUNT, "个"),
    ]
)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
WEEK = IsoWeek(2025, 30)


def at(day, hour, minute):
    return dt.datetime(2025, 7, day, hour, minute, tzinfo=ZONE)


# -- what a wiki leaves in pasted text ----------------------------------------------------------------


def test_a_pasted_break_is_a_new_line_and_an_entity_the_character_it_names():
    assert split_lines("**【数据】**<br>\n- 线上bug：4个<br/>主动发现：75%&nbsp;(+5pp)") == [
        "**【数据】**",
        "",
        "- 线上bug：4个",
        "主动发现：75% (+5pp)",
    ]
    # Within a table row a break is only a space: the row stays one row.
    assert split_lines("| 7/22 | C级 | 网联抖动<br>已恢复 |") == ["| 7/22 | C级 | 网联抖动 已恢复 |"]
    # Only an entity closed by `;` is one: `R&D` and `&notes` are words.
    assert split_lines("R&D &notes &amp; &lt;ops&gt;") == ["R&D &notes & <ops>"]


def test_a_report_pasted_from_a_wiki_is_read_with_its_headings_and_figures():
    text = "支付部周报&nbsp;2025年第30周\n\n**【数据】**<br>\n- 线上bug：4个<br>主动发现：75%\n"
    parsed = parse_document(text, catalogue=CATALOGUE)
    assert parsed.week == WEEK
    assert {(f.name, f.value) for f in parsed.placed_figures} == {("线上bug", 4), ("主动发现率", 75)}


# -- events ---------------------------------------------------------------------------------------------


def test_a_grade_standing_as_a_clause_keeps_the_share_in_its_bracket():
    lines = ["1. 7月22日 10:05-10:31 网联通道抖动，影响入金412笔，C级（0.5），网联通知发现"]
    [event], _intro = read_incidents(lines, WEEK, [])
    assert (event.grade, event.share) == ("C", Decimal("0.5"))
    assert (event.started_at, event.resolved_at) == (at(22, 10, 5), at(22, 10, 31))


# -- figures --------------------------------------------------------------------------------------------


def placed(line):
    return [(f.name, f.value, f.previous) for f in figures_in_line(line, "g", CATALOGUE) if f.placed]


def test_an_outline_number_before_a_figure_is_a_list_marker():
    # Feishu and Word number a document `1.1`, `2.3.1、`: the number is no value and the label follows it.
    assert placed("1.1 入金有效成功率：99.996%（上周99.995%）🟢") == [
        ("入金有效成功率", Decimal("99.996"), Decimal("99.995"))
    ]
    assert placed("2.3.1、需求交付数：305个，较上周增加12个") == [("需求交付数", 305, 293)]


def test_a_time_or_a_count_is_never_placed_on_an_amount_of_money():
    # `平均` is a fragment of the KPI 平均单笔金额 (万元); 43 ms is a latency and 485笔 a count, not amounts.
    assert placed("支付核心 P99 耗时：182 ms，平均 43ms") == []
    assert placed("平均单笔 485笔") == []
    assert placed("平均单笔 1.8万元") == [("平均单笔金额", Decimal("1.8"), None)]
