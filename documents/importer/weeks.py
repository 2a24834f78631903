"""Which ISO week a report is about, from whatever its title or first lines say.

In order: an ISO week in the title or a heading (`# 2024-W40 周报`, `Week 6, 2025`), `第40周`
(`2024年第51周`), a date range (`（2024.09.02-2024.09.08）`), a week of the month (`2025年4月第2周`), and as
a last resort the week of the `Created:` line. A week number without a year (`W10`, `第37周`) takes the
year of the `Created:` line or of the report's first full date, and gives way to a title line that says
the year. The preview shows where the week came from and lets the user change it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from common.weeks import IsoWeek
from documents.importer.figures import normalize
from documents.importer.text import heading_level, heading_title

ISO_WEEK = re.compile(r"(?<!\d)(?P<year>\d{4})\s*-?\s*W(?P<number>\d{1,2})(?!\d)", re.IGNORECASE)
# `10月第3周` is a week of the month, not of the year: it names no ISO week.
ZH_WEEK = re.compile(r"(?:(?P<year>\d{4})\s*年\s*(?:度\s*)?)?(?<!月)(?<!月\s)第\s*(?P<number>\d{1,2})\s*周")
DATE = r"(?P<y1>\d{4})\s*[.\-/年]\s*(?P<m1>\d{1,2})\s*[.\-/月]\s*(?P<d1>\d{1,2})\s*日?"
RANGE = re.compile(
    DATE
    + r"\s*(?:-|~|至|到|—|–|－|→|>)+\s*"
    + r"(?:(?P<y2>\d{4})\s*[.\-/年]\s*)?(?P<m2>\d{1,2})\s*[.\-/月]\s*(?P<d2>\d{1,2})"
)
# `10.14-10.20`, `11/11~11/17`: a range without a year takes it from the title, the Created line
# or a dated line.
SHORT_RANGE = re.compile(
    r"(?<![\d.\-/])(?P<m1>\d{1,2})\s*[.\-/月]\s*(?P<d1>\d{1,2})\s*日?\s*(?:-|~|至|到|—|–|－|→|>)+\s*"
    r"(?:(?P<m2>\d{1,2})\s*[.\-/月]\s*)?(?P<d2>\d{1,2})(?![\d.\-/])"
)
# `Week 6`, `Week 6, 2025`, `W10`: an English week number, the year after it or elsewhere.
ENGLISH_WEEK = re.compile(
    r"(?<![A-Za-z\d-])(?:week\s*(?:no\.?\s*)?|W)(?P<number>\d{1,2})(?!\d)(?:\s*,?\s*(?P<year>\d{4})(?!\d))?",
    re.IGNORECASE,
)
# `2025年4月第2周`: the weeks of a month counted as ISO counts those of a year, a week belonging to the
# month that holds its Thursday (so the week of the 1st when the 1st is Monday to Thursday).
MONTH_WEEK = re.compile(
    r"(?:(?P<year>\d{4})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*份?\s*第\s*(?P<number>[1-6一二三四五六])\s*周"
)
CHINESE_DIGITS = "一二三四五六"
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# `Nov 18-24, 2024`, `Nov 18 - Dec 1 2024`.
MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
ENGLISH_RANGE = re.compile(
    rf"\b(?P<mon1>{MONTH_NAME})\s*(?P<d1>\d{{1,2}})\s*(?:-|~|–|—|to)\s*(?:(?P<mon2>{MONTH_NAME})\s*)?"
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<y>\d{{4}})?\b",
    re.IGNORECASE,
)
# `W11 | 2025`, `2025 Q1 W11`: a year standing alone in the line that numbers the week is its year.
LONE_YEAR = re.compile(r"(?<![\d.\-/:,])(?P<y>20\d{2})(?![\d.\-/:%,])")
# `20250310-20250316`: dates written without separators, as file names and some tools write them.
COMPACT_RANGE = re.compile(
    r"(?<!\d)(?P<y1>20\d{2})(?P<m1>[01]\d)(?P<d1>[0-3]\d)\s*(?:-|~|至|到|—|–)+\s*"
    r"(?P<y2>20\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)(?!\d)"
)
# `Week of March 10, 2025`: the week that holds the day.
WEEK_OF = re.compile(
    rf"\bweek\s+of\s+(?P<mon>{MONTH_NAME})\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
YEAR_IN_TEXT = re.compile(r"(?<!\d)(?P<y>(?:19|20|2[1-9])\d{2})\s*(?:年|[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2})")
CREATED = re.compile(
    r"^\s*(?:[-*>]\s*|#{1,6}\s+)?(?:\*\*)?(?:Created|创建时间|创建于|创建日期|填写日期|日期|Date)(?:\*\*)?\s*[:：]\s*"
    r"(?P<y>\d{4})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})",
    re.IGNORECASE,
)
TITLE_LINES = 6
PREAMBLE_LINE = 60
SENTENCE = re.compile(r"[，。；！？]")  # a line that dates the report is a phrase, not a sentence


def _date(year, month, day) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None


def _week(year, number) -> IsoWeek | None:
    try:
        return IsoWeek(int(year), int(number))
    except (TypeError, ValueError):
        return None


def created_date(lines: list[str]) -> dt.date | None:
    for line in lines[:15]:
        if match := CREATED.match(normalize(line)):
            return _date(match["y"], match["m"], match["d"])
    return None


def _year_for(number: int, created: dt.date | None, year: int | None = None) -> int:
    if created:
        return IsoWeek.from_date(created).year
    if year:
        return year
    today = IsoWeek.from_date(timezone.localdate())
    # 第50周 read in January is last year's.
    return today.year - 1 if number > today.number + 26 else today.year


def _range_week(start: dt.date | None, end: dt.date | None, wrapped: bool) -> IsoWeek | None:
    if start and end and end < start and wrapped:
        end = _date(start.year + 1, end.month, end.day)
    if start and end and dt.timedelta(0) <= end - start <= dt.timedelta(days=13):
        return IsoWeek.from_date(start + (end - start) / 2)
    return None


def _short_range(text: str, year: int | None) -> IsoWeek | None:
    if match := ENGLISH_RANGE.search(text):
        first = MONTHS.index(match["mon1"][:3].lower()) + 1
        second = MONTHS.index(match["mon2"][:3].lower()) + 1 if match["mon2"] else first
        year = int(match["y"]) if match["y"] else year
        if year:
            return _range_week(_date(year, first, match["d1"]), _date(year, second, match["d2"]), True)
    if year and (match := SHORT_RANGE.search(text)):
        start = _date(year, match["m1"], match["d1"])
        return _range_week(start, _date(year, match["m2"] or match["m1"], match["d2"]), True)
    return None


def _month_week(year: int | None, month: str, number: str) -> IsoWeek | None:
    first = _date(year, month, 1) if year else None
    if first is None:
        return None
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    count = CHINESE_DIGITS.index(number) + 1 if number in CHINESE_DIGITS else int(number)
    thursday += dt.timedelta(weeks=count - 1)
    return IsoWeek.from_date(thursday) if thursday.month == first.month else None


def week_in_line(text: str, created: dt.date | None, year: int | None = None) -> tuple[IsoWeek | None, str]:
    week, source, _explicit = _week_in_line(text, created, year)
    return week, source


def _week_in_line(text: str, created: dt.date | None, year: int | None) -> tuple[IsoWeek | None, str, bool]:
    """The week, where it came from, and whether the line itself says the year."""
    if match := ISO_WEEK.search(text):
        return _week(match["year"], match["number"]), "title", True
    lone = LONE_YEAR.search(text)
    if match := ZH_WEEK.search(text):
        number = int(match["number"])
        own = match["year"] or (lone["y"] if lone else None)
        stated = int(own) if own else _year_for(number, created, year)
        return _week(stated, number), _numbered(own, created, year), bool(own)
    if match := RANGE.search(text):
        start = _date(match["y1"], match["m1"], match["d1"])
        end = _date(match["y2"] or match["y1"], match["m2"], match["d2"])
        if week := _range_week(start, end, not match["y2"]):
            return week, "range", True
    if match := COMPACT_RANGE.search(text):
        start = _date(match["y1"], match["m1"], match["d1"])
        if week := _range_week(start, _date(match["y2"], match["m2"], match["d2"]), False):
            return week, "range", True
    if (match := WEEK_OF.search(text)) and (
        day := _date(match["y"], MONTHS.index(match["mon"][:3].lower()) + 1, match["d"])
    ):
        return IsoWeek.from_date(day), "range", True
    own_year = YEAR_IN_TEXT.search(text)
    if week := _short_range(text, int(own_year["y"]) if own_year else year):
        return week, "range", bool(own_year) or bool(re.search(r"\d{4}", text))
    if match := MONTH_WEEK.search(text):
        stated = int(match["year"]) if match["year"] else (created.year if created else year)
        if week := _month_week(stated, match["month"], match["number"]):
            return week, "month", bool(match["year"])
    if match := ENGLISH_WEEK.search(text):
        number = int(match["number"])
        own = match["year"] or (lone["y"] if lone else None)
        stated = int(own) if own else _year_for(number, created, year)
        return _week(stated, number), _numbered(own, created, year), bool(own)
    return None, "", False


def _numbered(own_year: str | None, created: dt.date | None, year: int | None) -> str:
    """`title`, or `assumed` when nothing in the report gives the week number's year: the preview says so."""
    return "title" if own_year or created or year else "assumed"


def stated_year(lines: list[str], created: dt.date | None) -> int | None:
    """The year a report states (its Created line, else its first full date), for a range without one."""
    if created:
        return created.year
    for line in lines:
        if match := YEAR_IN_TEXT.search(normalize(line)):
            return int(match["y"])
    return None


def _names_the_week(position: int, line: str, in_preamble: bool) -> bool:
    """The first line, a heading, or a short line before the first section (`Week 6 (Feb 3 - Feb 9,
    2025)`, `> 周期：2025/3/3~3/9`) can name the week; a sentence further down dates something else."""
    if not position or heading_level(line):
        return True
    return in_preamble and len(normalize(line).strip()) <= PREAMBLE_LINE and not SENTENCE.search(line)


def detect_week(lines: list[str]) -> tuple[IsoWeek | None, str, int | None]:
    """The week, where it came from, and the index of the title line that said it (to leave out).

    A line under the title that dates the report is kept in the text (it may say more, such as who
    wrote it), so its index is not returned."""
    created = created_date(lines)
    year = stated_year(lines, created)
    nonblank = [index for index, line in enumerate(lines) if line.strip()][:TITLE_LINES]
    yearless = None
    in_preamble = True
    for position, index in enumerate(nonblank):
        line = lines[index]
        if position and heading_title(line) is not None and not heading_level(line):
            in_preamble = False
        if _names_the_week(position, line, in_preamble):
            week, source, explicit = _week_in_line(normalize(line), created, year)
            title_index = index if not position or heading_level(line) else None
            if week is not None and explicit:
                return week, source, title_index
            if week is not None and yearless is None:
                yearless = (week, source, title_index)
        if position and heading_level(line):
            in_preamble = False
    if yearless:
        return yearless
    if created:
        return IsoWeek.from_date(created), "created", None
    return None, "", None
