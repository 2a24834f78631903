"""Times of day as people write them in Chinese, rewritten as `HH:MM` so one grammar reads them all.

`14点05分`, `下午2点`, `下午2点半`, `晚上11:30`, `凌晨2:10` become `14:05`, `14:00`, `14:30`, `23:30`,
`02:10`; `14时05分` is `14:05`; `10:12 PM` and `9am` are `22:12` and `09:00`. A bare `3点` followed
by a word (`以下3点改进`) is a count of points, not a time, and stays.
Positions are kept: `where` says for each character of the new text where it stood in the old one,
so an entry can still be cut from the line as written.

A period of the day carries to a later time written without one: in `晚上10点12分发生，11点恢复` the
11点 is 23:00, as the writer meant, not 11:00 the next morning. It carries only forward within
twelve hours (`晚上11点发生，1点恢复` stays 01:00), never past a `次日`, and never to a time written
as `HH:MM`, which is already on the 24-hour clock.
"""

from __future__ import annotations

import re

PERIOD = r"凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜间|夜里|晚"
AFTERNOON = ("中午", "下午", "傍晚", "晚上", "夜间", "夜里", "晚")
# `10:12 PM`, `9am`, `11 p.m.`: English hands write the 12-hour clock (the A or P, then this).
MERIDIEM_END = r"\.?\s?[Mm]\.?(?![A-Za-z])"
CLOCK = re.compile(
    rf"(?:(?P<period>{PERIOD})\s*)?(?P<H>\d{{1,2}})"
    rf"(?:\s*:\s*(?P<colon>\d{{2}})(?!\d)|\s*点\s*(?:(?P<M>\d{{1,2}})\s*分|(?P<half>半)|整|钟)?"
    rf"|\s*时\s*(?P<M2>\d{{1,2}})\s*分|(?=\s*[AaPp]{MERIDIEM_END}))"
    rf"(?:\s*(?P<meridiem>[AaPp]){MERIDIEM_END})?"
)
WORD_AFTER = re.compile(r"[\u4e00-\u9fffA-Za-z\d]")
NEXT_DAY_BEFORE = re.compile(r"(?:次日|第二天|翌日|隔天)\s*$")


def _hour(hour: int, period: str | None) -> int:
    if period in AFTERNOON and hour < 12 and not (period == "中午" and hour >= 11):
        return hour + 12
    if period == "凌晨" and hour == 12:
        return 0
    return hour


def _twelve_hour(hour: int, meridiem: str) -> int | None:
    """`10 PM` is 22, `12 AM` is 0; `14 PM` is no time."""
    if not 1 <= hour <= 12:
        return None
    return hour % 12 + (12 if meridiem in "Pp" else 0)


def carried_period(text: str) -> tuple[str, int] | None:
    """The period of the day in force after `text` (`晚上`, 22), for the lines that follow it."""
    return _rewrite(text, None)[2]


def with_clocks(
    text: str, where: list[int] | None = None, carried: tuple[str, int] | None = None
) -> tuple[str, list[int]]:
    """The text with each written time of day as `HH:MM`, and the map back to the original positions.

    `carried` is the period in force from the text before this one (`carried_period`)."""
    rewritten, mapped, _carried = _rewrite(text, where, carried)
    return rewritten, mapped


def _rewrite(
    text: str, where: list[int] | None, carried: tuple[str, int] | None = None
) -> tuple[str, list[int], tuple[str, int] | None]:
    where = list(range(len(text) + 1)) if where is None else where
    parts: list[str] = []
    mapped: list[int] = []
    last = 0
    for match in CLOCK.finditer(text):
        meridiem = match["meridiem"]
        if match["colon"] is None:
            spelled = match["M"] or match["M2"] or match["half"] or match["period"] or meridiem
            tail = text[match.end() :]
            if not spelled and WORD_AFTER.match(tail[:1]) and not tail.startswith(("恢复", "完成", "结束")):
                continue  # `3点改进`: a count, not a time
        elif match["period"] is None and meridiem is None:
            continue  # already HH:MM
        minute = int(match["colon"] or match["M"] or match["M2"] or (30 if match["half"] else 0))
        if meridiem:
            hour = _twelve_hour(int(match["H"]), meridiem)
            if hour is None:
                continue
        else:
            hour = _hour(int(match["H"]), match["period"])
        if meridiem:
            pass  # stated in full: neither carried to nor carried on
        elif match["period"]:
            carried = (match["period"], hour)
        elif carried and NEXT_DAY_BEFORE.search(text[max(0, match.start() - 8) : match.start()]):
            carried = None
        elif carried and carried[0] in AFTERNOON and hour < 12 and carried[1] <= hour + 12 < carried[1] + 12:
            hour += 12
        if hour > 23 or minute > 59:
            continue
        parts.append(text[last : match.start()])
        mapped.extend(where[last : match.start()])
        written = f"{hour:02d}:{minute:02d}"
        parts.append(written)
        mapped.extend([where[match.start()]] * len(written))
        last = match.end()
    parts.append(text[last:])
    mapped.extend(where[last:])
    return "".join(parts), mapped, carried
