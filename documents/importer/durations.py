"""How long an event lasted, said in its text: its end when no time of day gives one.

`持续35分钟`, `历时1小时20分钟`, `约37分钟后恢复`, `故障时长：35分钟`, `持续半天`, `持续一周`,
`一刻钟后恢复`; in English `lasted 40 min`, `Duration: 1h 20m`, `down for 2 hours`, `lasted 1 day, 3 hours`,
`a 40-minute outage`, `40 mins of downtime`, `recovered after 25 minutes`, `resolved within 15 min`, `took 40
min to recover`. The end is the start and the duration, up to a week.

A number of minutes is a duration only beside words that say the event lasted it. A latency (`P99 40 ms`)
is no unit of ours; a frequency (`every 5 minutes`, `每5分钟`), a target (`SLA 30 min`, `target: resolved
within 30 min`) or a count of minutes said with other words (`detected after 10 minutes`, `lag 40 min`)
ends nothing.
"""

from __future__ import annotations

import datetime as dt
import re

MAX_DURATION = dt.timedelta(days=7)

# A number in Chinese as lengths say it, one to nine hundred and ninety-nine: `两`, `十`, `三十`, `五十九`,
# `一百`, `一百零五`, `一百二十`, and `一百二` as it is said for 120.
ZH_TENS = r"[一二三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九]"
ZH_NUMERAL = rf"[一二两三四五六七八九]百(?:零[一二三四五六七八九]|{ZH_TENS})?|{ZH_TENS}"
ZH_NUMBER = rf"\d{{1,3}}(?:\.\d{{1,2}})?|{ZH_NUMERAL}"
# A Chinese length of time: `1周`, `一周`, `2天`, `1.5天`, `一天半`, `半天`, `两小时`, `半小时`, `一个半小时`,
# `1小时20分`, `三十分钟`, `一百二十分钟`, `一刻钟`.
# Minutes in Chinese numerals take `分钟`, as `十分` alone is "very"; quarters take `刻钟`, as `一刻` alone is
# "a moment". Seconds are too short to matter; a range (`30-40分钟`, `两三天`) says no one length, so a length
# starts after no digit, numeral or range mark, nor after `大` (`大半天` is "most of the day", no length).
# `周` is a week after its number only, and before no `年` (`1周年` is an anniversary).
# Each part starts at a number or `半`, so no run of spaces is read again from each of its characters.
NUMBER_START = r"(?=[\d一二两三四五六七八九十半])"
ZH_LENGTH = (
    rf"(?P<length>(?<![\d.一二两三四五六七八九十百千几~～\-–—到至大]){NUMBER_START}"
    rf"(?:(?P<w>{ZH_NUMBER})\s*+个?\s*+(?:周(?!年)|星期|礼拜)(?P<w_half>半)?\s*+)?"
    rf"(?:{NUMBER_START}(?:(?P<d>{ZH_NUMBER})\s*+个?\s*+|(?P<d_alone_half>半)\s*+)"
    rf"(?:天|(?:days?|d)(?![a-z]))(?P<d_half>(?<!半天)半)?\s*+)?"
    rf"(?:{NUMBER_START}(?P<h>{ZH_NUMBER})?+\s*+个?\s*+(?P<h_half>半)?\s*+个?\s*+(?:小时|钟头|(?:hours?|h)(?![a-z]))\s*+)?"
    rf"(?:(?P<m>\d{{1,4}})\s*+(?:分钟|分|min)|(?P<m_zh>{ZH_NUMERAL})\s*+分钟|(?P<q>[1-3一二两三])\s*+刻钟)?)"
)
# `持续35分钟`, `历时2小时`, `耗时1小时20分钟`, `持续2天`, and as a field: `持续时间：35分钟`,
# `故障时长：1小时`.
DURATION = re.compile(
    r"(?:(?:持续|历时|耗时|用时)(?:时间|时长)?|(?:故障|影响|中断|恢复|处理)?时长)\s*+[:：]?\s*+(?:了|约|近|为)?"
    rf"\s*+{ZH_LENGTH}",
    re.IGNORECASE,
)
# `约37分钟后恢复`, `两小时后恢复`: the time it took, said before the word for recovering.
DURATION_BEFORE_END = re.compile(rf"{ZH_LENGTH}\s*+后\s*+(?:恢复|解决|修复|止血)", re.IGNORECASE)
ZH_DIGITS = {digit: value for value, digit in enumerate("一二三四五六七八九", start=1)} | {"两": 2}

# An English length of time: `40 min`, `1.5 hours`, `1h 20m`, `1h20m`, `40-minute`, `an hour`, `half an hour`,
# `2 days`, `1 day 3 hours`, `a week`. A unit is followed by no letter, so `40ms` and `5 months` are none; `a`
# and `one` are words apart, so `ad hoc` is no day. Seconds are too short to matter.
EN_NUMBER = r"(?:\d{1,4}(?:\.\d{1,2})?\s*-?\s*|(?:half\s+an?|an?|one)\s+-?\s*)"
EN_PART = rf"{EN_NUMBER}(?:weeks?|wks?|days?|d|hours?|hrs?|h|minutes?|mins?|m)(?![a-z])"
EN_DAYS = r"\d{1,2}\s*-?\s*(?:days?|d)(?![a-z])"
EN_HOURS = r"\d{1,2}\s*-?\s*(?:hours?|hrs?|h)(?![a-z])"
EN_MINUTES = r"\d{1,3}\s*-?\s*(?:minutes?|mins?|m)(?![a-z])"
# `1 day 3 hours`, `1 day and 3 hours`, and from a larger unit to smaller ones a comma: `1 day, 3 hours`,
# `2 hours, 20 minutes`. A comma before a larger unit ends the length: `40 min, 2 hours later` is 40 minutes.
EN_JOIN = r"\s*(?:and\s+)?"
EN_COMMA = rf"(?:\s*,\s*(?:and\s+)?|{EN_JOIN})"
THEN_MINUTES = rf"(?:{EN_COMMA}{EN_MINUTES})?"
THEN_HOURS = rf"(?:{EN_COMMA}{EN_HOURS})?{THEN_MINUTES}"
EN_AMOUNT = (
    rf"(?<![A-Za-z\d.,])(?P<amount>{EN_NUMBER}(?:weeks?|wks?)(?![a-z])(?:{EN_COMMA}{EN_DAYS})?{THEN_HOURS}"
    rf"|{EN_NUMBER}(?:days?|d)(?![a-z]){THEN_HOURS}|{EN_NUMBER}(?:hours?|hrs?|h)(?![a-z]){THEN_MINUTES}"
    rf"|{EN_PART}(?:{EN_JOIN}{EN_HOURS})?(?:{EN_JOIN}{EN_MINUTES})?)"
)
APPROXIMATELY = (
    r"(?:(?:about|around|approx(?:imately)?\.?|roughly|nearly|almost|over|under|some|just\s+(?:over|under)"
    r"|~|≈)\s*)?"
)
# The words before the length that make it the event's own: `lasted`, `Duration:` opening a clause or
# qualified as the event's (a `job duration` is no outage's), `down for`, `recovered after`, `TTR`.
SAID_BEFORE = re.compile(
    r"(?:\blast(?:ed|ing)(?:\s+for)?"
    r"|(?:^[\s>*+•-]*|(?<=[,;(|。:])\s*|\b(?:outage|incident|impact|total|event|downtime|disruption)\s+)"
    r"duration\s*(?:[:=-]|\bwas\b|\bof\b)?"
    r"|\b(?:down|unavailable|unreachable|offline|degraded|interrupted|impacted|affected|failing|erroring|broken"
    r"|stalled|stuck|elevated)\s+for"
    r"|\b(?:recovered|resolved|restored|mitigated|fixed|back\s+(?:to\s+normal|up|online))\s+(?:[a-z]+ly\s+)?"
    r"(?:after|within|in)"
    r"|\b(?:TTR|time\s+to\s+(?:recovery|recover|restore|resolve|resolution|mitigate|mitigation))\s*(?:[:=]|\bwas\b)?)"
    rf"\s*{APPROXIMATELY}{EN_AMOUNT}",
    re.IGNORECASE | re.MULTILINE,
)
# The words after it: `a 40-minute outage`, `2-hour-long outage`, `40 mins of (partial) downtime`.
SAID_AFTER = re.compile(
    rf"{EN_AMOUNT}(?:\s*-?\s*(?:long\s+)?(?:outage|downtime|disruption|interruption|degradation|incident|blip"
    r"|brownout)\b|\s+of\s+(?:[a-z]+\s+)?(?:downtime|outage|disruption|interruption|degradation|unavailability"
    r"|impact)\b)",
    re.IGNORECASE,
)
# `took 40 min to recover`: the length between the words.
SAID_AROUND = re.compile(
    rf"\btook\s+{APPROXIMATELY}{EN_AMOUNT}\s+to\s+(?:[a-z]+ly\s+)?(?:recover|resolve|restore|fix|mitigate)\b",
    re.IGNORECASE,
)
# The parts of a length: a word as a number stands apart, so the `and` of `1 hour and 20 minutes` is no day.
EN_PARTS = re.compile(
    r"(?P<number>\d+(?:\.\d+)?|\b(?:half\s+an?|an?|one)(?=\s))\s*-?\s*(?P<unit>[wdhm])", re.IGNORECASE
)
UNIT_HOURS = {"w": 168.0, "d": 24.0, "h": 1.0, "m": 1 / 60}

# `every 5 minutes`, `每5分钟`: how often, not how long.
FREQUENCY = re.compile(
    r"(?:\b(?:every|each|per)|每隔?)\s*(?:(?:about|around|~|≈)\s*)?$",
    re.IGNORECASE,
)
# A length said as a target, a promise or an average is not what happened: `SLA: resolved within 30 min`,
# `MTTR target 60 min`, `should be resolved within 15 min`, `要求30分钟后恢复`. Read in the clause before
# the length.
TARGET = re.compile(
    r"\b(?:SLA|SLO|OLA|target|goal|objective|required|requirement|expected|expect|estimated|estimate|ETA"
    r"|will|would|should|must|might|could|policy|average|avg|mean|median|typically"
    r"|usually|MTTR|MTTA|MTTD)\b|目标|要求|标准|考核|承诺|规定|平均|预计|预估|预期",
    re.IGNORECASE,
)
TARGET_AFTER = re.compile(
    r"^\s*\(?\s*(?:SLA|SLO|OLA|target|goal|budget|limit|threshold|window|timeout|TTL|interval)\b",
    re.IGNORECASE,
)
# Where the clause holding a length starts: after a comma, a semicolon, a full stop or an open bracket. A
# target is said close to its length: only so many characters before it are read, so a long text is read
# in a time that grows with its length alone.
CLAUSE_BREAK = re.compile(r".*(?:[,;。\n(]|\.\s)", re.DOTALL)
LOOK_BACK = 60


def duration_end(text: str, started: dt.datetime) -> dt.datetime | None:
    """The end a duration said in `text` gives an event that started at `started`, or None.

    The Chinese wordings come first, in the order they were always tried; of the English ones, the first
    said wins."""
    text = text.replace("**", "")  # `**Duration:** 40 min`: a label in bold is the same label
    english = sorted(
        [*SAID_BEFORE.finditer(text), *SAID_AFTER.finditer(text), *SAID_AROUND.finditer(text)],
        key=lambda match: match.start("amount"),
    )
    for match in [*DURATION.finditer(text), *DURATION_BEFORE_END.finditer(text), *english]:
        length = _length(match)
        if length is None or length > MAX_DURATION or not _is_how_long(text, match):
            continue
        return started + length
    return None


def _length(match: re.Match) -> dt.timedelta | None:
    if not match["amount" if "amount" in match.re.groupindex else "length"]:
        return None
    if "amount" in match.re.groupindex:
        hours = 0.0
        for part in EN_PARTS.finditer(match["amount"]):
            number = part["number"].lower()
            value = float(number) if number[0].isdigit() else 0.5 if number.startswith("half") else 1.0
            hours += value * UNIT_HOURS[part["unit"].lower()]
        return dt.timedelta(hours=hours)
    days = 7 * _zh_number(match["w"], match["w_half"]) + _zh_number(
        match["d"], match["d_half"] or match["d_alone_half"]
    )
    hours = _zh_number(match["h"], match["h_half"])
    minutes = _zh_number(match["m"] or match["m_zh"]) + 15 * _zh_number(match["q"])
    if not (days or hours or minutes):
        return None  # `持续跟进`, `持续1-2天`: the word, no length
    return dt.timedelta(days=days, hours=hours, minutes=minutes)


def _zh_number(said: str | None, half: str | None = None) -> float:
    """`35`, `1.5`, `两`, `三十`, `五十九`, `一百零五`, `一百二十` as a number, a half more for `一个半` (`半`
    alone is a half)."""
    value = 0.0
    if said and said[0].isdigit():
        value = float(said)
    elif said:
        hundreds, hundred, rest = said.rpartition("百")
        value = ZH_DIGITS[hundreds] * 100 if hundred else 0
        if hundred and rest in ZH_DIGITS:
            value += ZH_DIGITS[rest] * 10  # `一百二` is 120: its tens said without their `十`
        else:
            tens, ten, ones = rest.removeprefix("零").rpartition("十")
            value += (ZH_DIGITS.get(tens, 1) * 10 if ten else 0) + ZH_DIGITS.get(ones, 0)
    return value + (0.5 if half else 0)


def _is_how_long(text: str, match: re.Match) -> bool:
    """Whether the length is how long the event lasted, not how often something happened or a target."""
    group = "amount" if "amount" in match.re.groupindex else "length"
    if FREQUENCY.search(text[max(0, match.start(group) - LOOK_BACK) : match.start(group)]):
        return False
    clause = CLAUSE_BREAK.sub("", text[max(0, match.start() - LOOK_BACK) : match.start()])
    return not (TARGET.search(clause) or TARGET_AFTER.match(text[match.end(group) :]))
