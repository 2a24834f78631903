"""Wordings of reports by other hands that were misread: events written over several lines, sign-offs
ending the events, Markdown rules, dated sub-headings under a risk section. One rule per test."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse

from common.weeks import IsoWeek
from documents.export import team_week_markdown
from documents.importer import import_report, parse_document
from documents.importer.incidents import read_incidents
from incidents.models import Incident
from reports.models import WeeklyReport
from tests.documents.helpers import missing_lines, week_haystack

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
