"""How long an event lasted, said in its text: its end when no time of day gives one.

`持续35分钟`, `历时1小时20分钟`, `约37分钟后恢复`, `故障时长：35分钟`; in English `lasted 40 min`,
`Duration: 1h 20m`, `down for 2 hours`, `a 40-minute outage`, `40 mins of downtime`, `recovered after 25
minutes`, `resolved within 15 min`, `took 40 min to recover`. The end is the start and the duration, up to
a week.

A number of minutes is a duration only beside words that say the event lasted it. A latency (`P99 40 ms`)
is no unit of ours; a frequency (`every 5 minutes`, `每5分钟`), a target (`SLA 30 min`, `target: resolved
within 30 min`) or a count of minutes said with other words (`detected after 10 minutes`, `lag 40 min`)
ends nothing.
"""

from __future__ import annotations

import datetime as dt
import re

MAX_DURATION = dt.timedelta(days=7)

# `持续35分钟`, `历时2小时`, `耗时1小时20分钟`, and as a field: `持续时间：35分钟`, `故障时长：1小时`.
DURATION = re.compile(
    r"(?:(?:持续|历时|耗时|用时)(?:时间|时长)?|(?:故障|影响|中断|恢复|处理)?时长)\s*+[:：]?\s*+(?:了|约|近|为)?"
    r"\s*+(?:(?P<h>\d{1,3}(?:\.\d{1,2})?)\s*+个?\s*+(?:小时|h\b|hours?\b))?"
    r"\s*+(?:(?P<m>\d{1,4})\s*+(?:分钟|分|min))?",
    re.IGNORECASE,
)
# `约37分钟后恢复`: the time it took, said before the word for recovering.
DURATION_BEFORE_END = re.compile(
    r"(?:(?P<h>\d{1,3}(?:\.\d{1,2})?)\s*+个?\s*+小时\s*+)?(?:(?P<m>\d{1,4})\s*+分钟?\s*+)?后\s*+(?:恢复|解决|修复|止血)"
)

# An English length of time: `40 min`, `1.5 hours`, `1h 20m`, `1h20m`, `40-minute`, `an hour`, `half an hour`.
# A unit is followed by no letter, so `40ms` and `5 months` are none.
EN_PART = r"(?:\d{1,4}(?:\.\d{1,2})?|half\s+an?|an?|one)\s*-?\s*(?:hours?|hrs?|h|minutes?|mins?|m)(?![a-z])"
EN_MINUTES = r"\d{1,3}\s*-?\s*(?:minutes?|mins?|m)(?![a-z])"
EN_AMOUNT = rf"(?<![A-Za-z\d.,])(?P<amount>{EN_PART}(?:\s*(?:and\s+)?{EN_MINUTES})?)"
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
EN_PARTS = re.compile(r"(?P<number>\d+(?:\.\d+)?|half\s+an?|an?|one)\s*-?\s*(?P<unit>[hm])", re.IGNORECASE)

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
    if "amount" in match.re.groupindex:
        hours = minutes = 0.0
        for part in EN_PARTS.finditer(match["amount"]):
            number = part["number"].lower()
            value = float(number) if number[0].isdigit() else 0.5 if number.startswith("half") else 1.0
            if part["unit"].lower() == "h":
                hours += value
            else:
                minutes += value
        return dt.timedelta(hours=hours, minutes=minutes)
    if not (match["h"] or match["m"]):
        return None  # `持续跟进`: the word, no length
    return dt.timedelta(hours=float(match["h"] or 0), minutes=int(match["m"] or 0))


def _is_how_long(text: str, match: re.Match) -> bool:
    """Whether the length is how long the event lasted, not how often something happened or a target."""
    group = "amount" if "amount" in match.re.groupindex else "h" if match["h"] else "m"
    if FREQUENCY.search(text[max(0, match.start(group) - LOOK_BACK) : match.start(group)]):
        return False
    clause = CLAUSE_BREAK.sub("", text[max(0, match.start() - LOOK_BACK) : match.start()])
    return not (TARGET.search(clause) or TARGET_AFTER.match(text[match.end(group) :]))
