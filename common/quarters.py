"""Calendar quarters as values (`2024-Q3`) and the ISO weeks that belong to one.

A week belongs to the quarter its Thursday falls in, the same rule that gives an ISO week its year,
so every week is in exactly one quarter and 2024-W27 (Mon 1 July) opens 2024-Q3.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from common.weeks import URL_YEARS, IsoWeek

# As typed (2024-Q3, 2024Q3, lower case, full-width, read after NFKC); addresses take the one spelling.
QUARTER_RE = re.compile(r"^([0-9]{4})-?Q([1-4])$", re.IGNORECASE)
URL_PATTERN = r"[0-9]{4}-Q[1-4]"


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self):
        if not 1 <= self.year <= 9998 or not 1 <= self.number <= 4:
            raise ValueError(f"{self.year}-Q{self.number} is not a quarter")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        typed = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else ""
        match = QUARTER_RE.match(typed)
        if not match:
            raise ValueError(f"{text!r} is not a quarter such as 2024-Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of_date(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def of_week(cls, week: IsoWeek) -> Quarter:
        return cls.of_date(week.monday + dt.timedelta(days=3))

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def weeks(self) -> list[IsoWeek]:
        """Its ISO weeks, oldest first: 13, or 14 when a quarter holds 14 Thursdays."""
        week = IsoWeek.from_date(self.first_day)
        if Quarter.of_week(week) != self:
            week = week.next()
        weeks = []
        while Quarter.of_week(week) == self:
            weeks.append(week)
            week = week.next()
        return weeks

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.number}"


class QuarterConverter:
    """URL converter: an impossible quarter is a 404, never a 500."""

    regex = URL_PATTERN

    def to_python(self, value: str) -> Quarter:
        quarter = Quarter.parse(value)
        if not URL_YEARS[0] <= quarter.year <= URL_YEARS[1]:
            raise ValueError(f"{value} is outside the quarters the site shows")
        return quarter

    def to_url(self, value) -> str:
        return str(value)
