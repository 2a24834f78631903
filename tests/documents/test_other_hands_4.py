"""Wordings of reports by other hands that were misread: events written over several lines, sign-offs
ending the events, Markdown rules, dated sub-headings under a risk section. One rule per test."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from common.weeks import IsoWeek
from documents.importer.incidents import read_incidents

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
WEEK = IsoWeek(2025, 42)  # 2025-10-13 … 2025-10-19


def at(day, hour, minute):
    return dt.datetime(2025, 10, day, hour, minute, tzinfo=ZONE)


def events(text, week=WEEK):
    warnings = []
    found, intro = read_incidents(text.split("\n"), week, warnings)
    return found, intro, warnings


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
