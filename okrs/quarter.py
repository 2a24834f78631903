"""A quarter of key results: each item's progress week by week against a straight pace to its ETA.

The pace runs from where the item stood when the quarter began (its last figure before the quarter,
else its first figure in it, else 0%) to 100% on its ETA. "Ahead" or "behind" compares the item's
latest figure in the quarter with that pace on the same day. Percent figures follow okrs/progress.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from common.formatting import quantize
from common.quarters import Quarter
from common.weeks import IsoWeek
from okrs.models import ACTIVE_KEY_RESULT, KeyResult, KeyResultUpdate
from okrs.progress import HUNDRED, LOOKBACK_WEEKS, PLACES, progress_percent


def key_results_in(quarter: Quarter):
    """Open items, and closed ones that still reported in the quarter, in board order."""
    weeks = quarter.weeks()
    reported = KeyResultUpdate.objects.filter(
        key_result=OuterRef("pk"),
        week__starts_on__gte=weeks[0].monday,
        week__starts_on__lte=weeks[-1].monday,
    )
    return (
        KeyResult.objects.filter(ACTIVE_KEY_RESULT | Q(Exists(reported)))
        .select_related("objective__team", "owner")
        .in_board_order()
    )


@dataclass
class QuarterProgress:
    """One item's quarter: its figure each week (None where it did not report), start, latest, pace."""

    key_result: KeyResult
    weeks: list[IsoWeek]
    figures: list[Decimal | None]
    start: Decimal | None
    as_of: IsoWeek

    @property
    def latest(self) -> Decimal | None:
        """The last figure reported up to the as-of week: the quarter's final figure once it is over."""
        known = [figure for week, figure in zip(self.weeks, self.figures, strict=True) if week <= self.as_of]
        known = [figure for figure in known if figure is not None]
        return known[-1] if known else None

    @property
    def change(self) -> Decimal | None:
        if self.latest is None or self.start is None:
            return None
        return self.latest - self.start

    def pace_at(self, day: dt.date) -> Decimal | None:
        """Where a straight line from the quarter's start to 100% on the ETA stands on `day`."""
        eta = self.key_result.eta
        if eta is None:
            return None
        begin = self.weeks[0].monday
        start = self.start if self.start is not None else Decimal(0)
        if day >= eta or eta <= begin:
            return HUNDRED
        share = Decimal((day - begin).days) / Decimal((eta - begin).days)
        return quantize(start + (HUNDRED - start) * max(Decimal(0), share), PLACES)

    @property
    def pace(self) -> Decimal | None:
        return self.pace_at(self.as_of.sunday)

    @property
    def against_pace(self) -> Decimal | None:
        """Percentage points ahead (positive) or behind (negative) the pace; None without ETA or figure."""
        if self.latest is None or self.pace is None:
            return None
        return self.latest - self.pace

    def pace_line(self) -> list[Decimal | None]:
        """The pace at the end of each week of the quarter, for the chart."""
        return [self.pace_at(week.sunday) for week in self.weeks]


def quarter_progress(
    key_results: Iterable[KeyResult], quarter: Quarter, today: dt.date | None = None
) -> dict[int, QuarterProgress]:
    """Each item's quarter in one query: its updates from LOOKBACK_WEEKS before the quarter to its end."""
    key_results = list(key_results)
    weeks = quarter.weeks()
    current = IsoWeek.from_date(today or dt.date.today())
    as_of = min(weeks[-1], max(weeks[0], current))
    history: dict[int, list[KeyResultUpdate]] = defaultdict(list)
    updates = (
        KeyResultUpdate.objects.filter(
            key_result__in=[kr.pk for kr in key_results],
            week__starts_on__gte=weeks[0].shifted(-LOOKBACK_WEEKS).monday,
            week__starts_on__lte=weeks[-1].monday,
        )
        .select_related("week")
        .defer("updated_at", "updated_by", "note")
        .order_by("key_result_id", "week__starts_on")
    )
    for update in updates:
        history[update.key_result_id].append(update)
    index = {week.monday: position for position, week in enumerate(weeks)}
    result = {}
    for kr in key_results:
        figures: list[Decimal | None] = [None] * len(weeks)
        before = None
        for update in history[kr.pk]:
            percent = progress_percent(kr, update)
            if update.week.starts_on < weeks[0].monday:
                before = percent if percent is not None else before
            elif percent is not None:
                figures[index[update.week.starts_on]] = percent
        first_in_quarter = next((figure for figure in figures if figure is not None), None)
        start = before if before is not None else first_in_quarter
        result[kr.pk] = QuarterProgress(kr, weeks, figures, start, as_of)
    return result
