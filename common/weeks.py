"""ISO weeks as values: parsing `2024-W33`, and previous/next across ISO years."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from django.utils.functional import cached_property

# ISO 8601 as people type it: 2024-W33, the basic form 2024W33, lower case, full-width (read after NFKC).
ISO_WEEK_RE = re.compile(r"^([0-9]{4})-?W([0-9]{2})$", re.IGNORECASE)
# Addresses take the one spelling the site writes: another spelling of a week is a 404, not a second URL.
URL_PATTERN = r"[0-9]{4}-W[0-9]{2}"
URL_YEARS = (1000, 9000)


@dataclass(frozen=True, order=True)
class IsoWeek:
    """One ISO 8601 week; ordering follows time."""

    year: int
    number: int

    def __post_init__(self):
        if not 1 <= self.year <= 9998:
            raise ValueError(f"year {self.year} is out of range")
        if not 1 <= self.number <= weeks_in_year(self.year):
            raise ValueError(f"{self.year} has no week {self.number}")

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        typed = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else ""
        match = ISO_WEEK_RE.match(typed)
        if not match:
            raise ValueError(f"{text!r} is not an ISO week such as 2024-W33")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def from_date(cls, day: dt.date) -> IsoWeek:
        year, number, _ = day.isocalendar()
        return cls(year, number)

    @cached_property
    def monday(self) -> dt.date:
        # Worked out once per week object: the overview's look-back compares ~5,000 rows with a few weeks.
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    def shifted(self, weeks: int) -> IsoWeek:
        return IsoWeek.from_date(self.monday + dt.timedelta(weeks=weeks))

    def previous(self) -> IsoWeek:
        return self.shifted(-1)

    def next(self) -> IsoWeek:
        return self.shifted(1)

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.number:02d}"


# Remembered: every IsoWeek checks its number against it, and the KPI page makes ~1,200 of them.
@cache
def weeks_in_year(year: int) -> int:
    # December 28th always falls in the last ISO week of its year.
    return dt.date(year, 12, 28).isocalendar()[1]


class IsoWeekConverter:
    """URL converter: a malformed or impossible week (2024-W99) is a 404, never a 500."""

    regex = URL_PATTERN

    def to_python(self, value: str) -> IsoWeek:
        week = IsoWeek.parse(value)
        # Pages reach weeks back and ahead (previous week, history); at the ends of the calendar
        # those weeks do not exist and the arithmetic overflows, so such URLs are 404s.
        if not URL_YEARS[0] <= week.year <= URL_YEARS[1]:
            raise ValueError(f"{value} is outside the weeks the site shows")
        return week

    def to_url(self, value) -> str:
        return str(value)
