"""How long an event lasted gives its end when no time of day does: `持续35分钟`, `lasted 40 min`, and the
figures of minutes that are no such length (a latency, a frequency, a target). One rule per test."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from documents.importer import parse_document
from documents.importer.durations import duration_end
from documents.importer.figures import normalize
from tests.documents.other_hands import ZONE, at, events

START = at(15, 14, 5)


def end_of(said: str) -> dt.datetime | None:
    (event,), _intro, _warnings = events(f"- Oct 15, 14:05 payout outage, {said}")
    assert event.started_at == START
    return event.resolved_at


@pytest.mark.parametrize(
    ("said", "minutes"),
    [
        ("lasted 40 min", 40),
        ("lasted about 1.5 hours", 90),
        ("lasting 1 hour and 20 minutes", 80),
        ("lasted ~40m", 40),
        ("lasted half an hour", 30),
        ("Duration: 40 minutes", 40),
        ("duration 1h 20m", 80),
        ("total duration 1h20m", 80),
        ("**Duration:** 25 min", 25),
        ("down for 2 hours", 120),
        ("was down for an hour", 60),
        ("checkout degraded for over 45 mins", 45),
        ("a 40-minute outage", 40),
        ("a 2-hour-long outage", 120),
        ("40 mins of downtime", 40),
        ("40 mins of partial downtime", 40),
        ("recovered after 25 minutes", 25),
        ("recovered automatically after 25 minutes", 25),
        ("resolved within 15 min", 15),
        ("fixed in 2 hrs", 120),
        ("took about 40 min to recover", 40),
        ("TTR: 42 min", 42),
        ("time to recover was 1.5 h", 90),
    ],
)
def test_a_duration_said_in_english_ends_the_event(said, minutes):
    assert end_of(said) == START + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "said",
    [
        "P99 40 ms",  # a latency
        "RT 200ms, lasted 40ms",
        "retried every 5 minutes",  # a frequency
        "alerting every 5 min of downtime",
        "SLA 30 min",  # a target
        "MTTR target 60 min",
        "SLA: resolved within 30 min",
        "target: recovered within 30 min",
        "resolved within 30 min SLA",
        "MTTR 40 min",  # an average over many events
        "detected after 10 minutes",  # other counts of minutes
        "escalated after 15 min",
        "replication lag 40 min",
        "delayed by 40 minutes",
        "job duration 40 min",
        "cache TTL 60 min",
        "the last 40 minutes of the batch failed",
        "5 months of downtime budget left",
        "lasted 30-40 minutes",  # a range says no one length
        "lasted 200 hours",  # past the week an event may last
    ],
)
def test_minutes_that_are_not_how_long_the_event_lasted_end_nothing(said):
    assert end_of(said) is None


@pytest.mark.parametrize(
    ("line", "end"),
    [
        ("- Oct 15, 14:05-14:30 payout outage, lasted 40 min", at(15, 14, 30)),  # the range
        ("- Oct 15, 14:05 payout outage, lasted 40 min, resolved at 14:50", at(15, 14, 50)),  # said in words
        ("- 10月15日 14:05 出金超时，持续35分钟，14:20恢复", at(15, 14, 20)),
    ],
)
def test_an_end_written_as_a_time_of_day_wins_over_a_duration(line, end):
    (event,), _intro, _warnings = events(line)
    assert event.resolved_at == end


def test_a_resolved_field_wins_over_a_duration_field():
    text = "### payout outage\n- Time: Oct 15, 14:05\n- Duration: 40 min\n- Resolved: 15:10\n"
    (event,), _intro, _warnings = events(text)
    assert event.resolved_at == at(15, 15, 10)


def test_a_duration_field_of_a_sub_heading_event_ends_it():
    text = (
        "# 2025-W42\n\n## Incidents\n### Oct 15, 14:05 payout outage\n"
        "- Duration: 1h 20m\n- Impact: 32 payouts\n"
    )
    (event,) = parse_document(text).incidents
    assert (event.started_at, event.resolved_at, event.impact_count) == (START, at(15, 15, 25), 32)


def test_a_duration_column_of_an_event_table_ends_its_row():
    text = (
        "| Time | What | Duration |\n|---|---|---|\n| Oct 15 14:05 | payout outage | 40 min |\n"
        "| Oct 16 09:00 | webhook retries | every 5 min |\n"
    )
    first, second = events(text)[0]
    assert (first.resolved_at, second.resolved_at) == (at(15, 14, 45), None)


@pytest.mark.parametrize(
    ("said", "minutes"),
    [("持续35分钟", 35), ("故障时长：35分钟", 35), ("持续时间：1小时", 60), ("约37分钟后恢复", 37)],
)
def test_a_duration_said_in_chinese_ends_the_event(said, minutes):
    (event,), _intro, _warnings = events(f"- 10月15日 14:05 出金超时，{said}")
    assert event.resolved_at == START + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "said", ["每5分钟重试一次", "每5分钟后恢复一次，反复告警", "要求30分钟后恢复", "平均恢复时长30分钟"]
)
def test_a_frequency_or_a_target_in_chinese_ends_nothing(said):
    (event,), _intro, _warnings = events(f"- 10月15日 14:05 出金超时，{said}")
    assert event.resolved_at is None


# -- any length, any wording ------------------------------------------------------------------------------

WORDINGS = [
    "lasted {}",
    "Duration: {}",
    "down for {}",
    "a {} outage",
    "{} of downtime",
    "recovered after {}",
    "resolved within {}",
    "took {} to recover",
]
NOT_LENGTHS = ["every {}", "SLA: resolved within {}", "target {} outage", "detected after {}", "lag {}"]
WEEK_MINUTES = 7 * 24 * 60


def written(minutes: int, style: int) -> str:
    hours, rest = divmod(minutes, 60)
    if style == 0 or not hours:
        return f"{minutes} minutes" if style != 2 else f"{minutes}-minute"
    if style == 1:
        return f"{hours}h {rest}m" if rest else f"{hours}h"
    return f"{hours} hours and {rest} minutes" if rest else f"{hours}-hour"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    minutes=st.integers(1, WEEK_MINUTES + 600),
    style=st.integers(0, 2),
    wording=st.sampled_from(WORDINGS),
    start=st.datetimes(dt.datetime(2025, 10, 13), dt.datetime(2025, 10, 19, 23, 59)),
)
def test_a_length_in_any_english_wording_ends_the_event_that_long_after_its_start(
    minutes, style, wording, start
):
    started = start.replace(second=0, microsecond=0, tzinfo=ZONE)
    end = duration_end(normalize(wording.format(written(minutes, style))), started)
    if minutes <= WEEK_MINUTES:
        assert end == started + dt.timedelta(minutes=minutes)
    else:
        assert end is None


@settings(max_examples=100, deadline=None, derandomize=True)
@given(minutes=st.integers(1, WEEK_MINUTES), style=st.integers(0, 2), wording=st.sampled_from(NOT_LENGTHS))
def test_a_length_said_as_no_duration_never_ends_the_event(minutes, style, wording):
    assert duration_end(wording.format(written(minutes, style)), START) is None


PIECES = [
    "lasted", "Duration:", "down for", "recovered after", "took", "to recover", "outage", "of downtime",
    "every", "SLA", "target", "持续", "时长：", "后恢复", "每", "about", "~", " ", ", ", "。", "\n", "-",
    "40", "1.5", "0", "99999", "h", "m", "min", "minutes", "hours", "ms", "小时", "分钟", "an hour",
]  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=24).map("".join))
def test_whatever_is_said_the_end_falls_within_the_week_after_the_start(text):
    end = duration_end(text, START)
    assert end is None or START <= end <= START + dt.timedelta(days=7)


# -- days, Chinese numerals, halves ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "minutes"),
    [
        ("lasted 2 days", 2 * 24 * 60),
        ("down for 1.5 days", 36 * 60),
        ("a 2-day outage", 2 * 24 * 60),
        ("lasted 1 day 3 hours", 27 * 60),
        ("lasted half a day", 12 * 60),
        ("lasted 7 days", 7 * 24 * 60),
    ],
)
def test_a_length_in_days_said_in_english_ends_the_event(said, minutes):
    assert end_of(said) == START + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("said", "minutes"),
    [
        ("持续2天", 2 * 24 * 60),
        ("持续1.5天", 36 * 60),
        ("持续一天半", 36 * 60),
        ("持续半小时", 30),
        ("持续半个小时", 30),
        ("持续一个半小时", 90),
        ("持续1个半小时", 90),
        ("持续两小时", 120),
        ("持续两个小时", 120),
        ("持续三十分钟", 30),
        ("历时二十五分钟", 25),
        ("持续五十九分钟", 59),
        ("持续十分钟", 10),
        ("持续1小时20分", 80),
        ("约两小时后恢复", 120),
        ("半小时后恢复", 30),
    ],
)
def test_a_length_in_chinese_numerals_days_or_halves_ends_the_event(said, minutes):
    (event,), _intro, _warnings = events(f"- 10月15日 14:05 出金超时，{said}")
    assert event.resolved_at == START + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "said",
    [
        "持续30-40分钟",  # a range says no one length
        "30-40分钟后恢复",
        "30~40分钟后恢复",
        "1-2小时后恢复",
        "持续两三天",
        "两三天后恢复",
        "持续三四十分钟",
        "持续十几分钟",
        "持续十分严重",  # `十分` is "very", no minutes
        "持续8天",  # past the week an event may last
        "持续30秒",  # seconds are too short to matter
        "每两小时重试一次",  # a frequency
        "每半小时后恢复一次",
        "要求两小时后恢复",  # a target
        "12345分钟后恢复",  # a run of digits is no length read from its middle
    ],
)
def test_chinese_words_that_say_no_one_length_end_nothing(said):
    (event,), _intro, _warnings = events(f"- 10月15日 14:05 出金超时，{said}")
    assert event.resolved_at is None


@pytest.mark.parametrize(
    "said", ["lasted 90 seconds", "lasted 8 days", "every 2 days", "recovered after ad hoc restart"]
)
def test_seconds_more_than_a_week_a_frequency_or_a_word_are_no_length_in_days(said):
    assert end_of(said) is None


def test_an_end_written_as_a_time_of_day_wins_over_a_length_in_days():
    (event,), _intro, _warnings = events("- 10月15日 14:05 出金超时，持续2天，16:20恢复")
    assert event.resolved_at == at(15, 16, 20)


ZH_PIECES = [
    "持续", "历时", "时长：", "后恢复", "每", "要求", "约", "天", "小时", "分钟", "分", "个", "半", "一",
    "两", "三", "十", "五十九", "几", "1", "1.5", "30", "-", "~", "到", " ", "，", "days",
    "day", "h", "d", "and",
]  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(ZH_PIECES), max_size=24).map("".join))
def test_whatever_is_said_in_chinese_the_end_falls_within_the_week_after_the_start(text):
    end = duration_end(text, START)
    assert end is None or START <= end <= START + dt.timedelta(days=7)
