"""How long an event lasted gives its end when no time of day does: `持续35分钟`, `lasted 40 min`, and the
figures of minutes that are no such length (a latency, a frequency, a target). One rule per test."""

import datetime as dt

import pytest
from hypothesis import assume, given, settings
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
    "days", "a week", "weeks", "and", ",",
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
    "day", "h", "d", "and", "百", "零", "千", "周", "星期", "年", "刻钟", "刻", "大", "半天", ",",
]  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(ZH_PIECES), max_size=24).map("".join))
def test_whatever_is_said_in_chinese_the_end_falls_within_the_week_after_the_start(text):
    end = duration_end(text, START)
    assert end is None or START <= end <= START + dt.timedelta(days=7)


# -- weeks, half days, quarters, hundreds, commas ----------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "minutes"),
    [
        ("持续半天", 12 * 60),
        ("半天后恢复", 12 * 60),
        ("持续一周", 7 * 24 * 60),
        ("持续1周", 7 * 24 * 60),
        ("持续一个星期", 7 * 24 * 60),
        ("持续一百二十分钟", 120),
        ("持续一百零五分钟", 105),
        ("持续一百二分钟", 120),  # the tens said without their `十`
        ("历时两百分钟", 200),
        ("持续一刻钟", 15),
        ("两刻钟后恢复", 30),
        ("持续三刻钟", 45),
        ("持续1小时一刻钟", 75),
    ],
)
def test_a_week_a_half_day_a_quarter_or_a_number_in_hundreds_said_in_chinese_ends_the_event(said, minutes):
    (event,), _intro, _warnings = events(f"- 10月15日 14:05 出金超时，{said}")
    assert event.resolved_at == START + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "said",
    [
        "持续大半天",  # "most of the day": no one length
        "持续两周",  # past the week an event may last
        "持续一周半",
        "持续1周2天",
        "持续1周年",  # an anniversary
        "每周重试一次",  # a frequency
        "每半天重试一次",
        "每一刻钟后恢复一次",
        "要求半天后恢复",  # a target
        "持续一刻",  # `一刻` alone is "a moment"
        "持续两三百分钟",  # a range
        "持续一百二三十分钟",
        "持续几百分钟",
        "持续一千二百分钟",  # no length is read from the middle of a larger number
    ],
)
def test_weeks_half_days_quarters_and_hundreds_that_say_no_one_length_end_nothing(said):
    (event,), _intro, _warnings = events(f"- 10月15日 14:05 出金超时，{said}")
    assert event.resolved_at is None


@pytest.mark.parametrize(
    ("said", "minutes"),
    [
        ("lasted 1 day, 3 hours", 27 * 60),
        ("lasted 1 day and 3 hours", 27 * 60),
        ("lasted 1 day, and 3 hours", 27 * 60),
        ("down for 1 day, 3 hours, 20 minutes", 27 * 60 + 20),
        ("lasted 2 hours, 20 minutes", 140),
        ("1 day, 3 hours of downtime", 27 * 60),
        ("lasted a week", 7 * 24 * 60),
        ("a 1-week outage", 7 * 24 * 60),
        ("lasted 40 min, 2 hours later the queue drained", 40),  # after minutes a comma ends the length
    ],
)
def test_a_length_joined_by_a_comma_or_said_in_weeks_in_english_ends_the_event(said, minutes):
    assert end_of(said) == START + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "said",
    [
        "down for 2 weeks",
        "lasted 1 week, 2 days",
        "every 1 day, 3 hours",
        "SLA: resolved within 1 day, 3 hours",
        "ETA: fixed in a week",
    ],
)
def test_weeks_and_lengths_joined_by_a_comma_that_say_no_duration_end_nothing(said):
    assert end_of(said) is None


ZH_DIGIT_WORDS = "零一二三四五六七八九"


def in_chinese(number: int, colloquial: bool) -> str:
    """1 to 999 as it is written: `十五`, `一百零五`, `一百二十`, and said, `一百二`, `两百`."""
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    said = ("两" if colloquial and hundreds == 2 else ZH_DIGIT_WORDS[hundreds]) + "百" if hundreds else ""
    if tens:
        said += ("" if tens == 1 and not hundreds else ZH_DIGIT_WORDS[tens]) + (
            "" if colloquial and hundreds and not ones else "十"
        )
    elif hundreds and ones:
        said += "零"
    return said + (ZH_DIGIT_WORDS[ones] if ones else "")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    minutes=st.integers(1, 999),
    colloquial=st.booleans(),
    wording=st.sampled_from(["持续{}分钟", "历时{}分钟", "故障时长：{}分钟", "约{}分钟后恢复"]),
)
def test_minutes_in_chinese_numerals_up_to_the_hundreds_end_the_event_that_long_after_its_start(
    minutes, colloquial, wording
):
    assert duration_end(wording.format(in_chinese(minutes, colloquial)), START) == START + dt.timedelta(
        minutes=minutes
    )


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    days=st.integers(0, 6),
    hours=st.integers(0, 23),
    minutes=st.integers(0, 59),
    comma=st.sampled_from([", ", ", and ", " and ", " "]),
    wording=st.sampled_from(WORDINGS),
)
def test_days_hours_and_minutes_joined_by_commas_or_and_end_the_event(days, hours, minutes, comma, wording):
    parts = [
        f"{days} days" * bool(days),
        f"{hours} hours" * bool(hours),
        f"{minutes} minutes" * bool(minutes),
    ]
    said = comma.join(part for part in parts if part)
    assume(said)
    end = duration_end(wording.format(said), START)
    assert end == START + dt.timedelta(days=days, hours=hours, minutes=minutes)


# Text an attacker (or a paste gone wrong) makes long out of the new wordings: each is read in time that grows
# with its length, not its square, so this test's own run time is the guard (as in tests/security).
LONG_TEXTS = ["1 day, " * 140_000, "1 day, 3 hours, " * 60_000, "持续一百二" * 60_000, "一周" * 150_000]
LONG_TEXTS += ["每半天" * 100_000, "两刻钟" * 100_000]


@pytest.mark.parametrize("text", LONG_TEXTS, ids=lambda text: text[:12])
def test_a_megabyte_of_the_new_wordings_is_read_in_linear_time(text):
    assert len(text.encode()) <= 1024 * 1024
    end = duration_end(text, START)
    assert end is None or START <= end <= START + dt.timedelta(days=7)
