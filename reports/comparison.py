"""Week-over-week comparison of KPI values: the arithmetic every page and export shares.

Percent KPIs change in percentage points (81.72% vs 96.05% is -14.33 pp) with the relative
change beside it (-14.92%). A KPI without last week's value is "new"; last week's 0 gives an
absolute change only. Decimal throughout: 99.998% stays 99.998.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from common.formatting import EXPONENTS, format_number, format_signed, quantize
from common.precompiled import STAND_IN_LATER_MONDAYS, STAND_IN_MONDAYS, Precompiled, id_list_stand_ins
from common.weeks import IsoWeek
from reports.models import DIRECTION_HIGHER_IS_BETTER, DIRECTION_NEUTRAL, KPI, KPIValue, Week

RELATIVE_PLACES = 2
_RELATIVE_EXPONENT = EXPONENTS[RELATIVE_PLACES]
_ZERO = Decimal(0)


class Tone:
    """How a change reads for the KPI's direction; templates map it to a colour."""

    BETTER = "better"
    WORSE = "worse"
    NEUTRAL = "neutral"
    UNCHANGED = "unchanged"
    NEW = "new"
    MISSING = "missing"


class Change:
    """This week's value against last week's, for one KPI, with its figures worked out when made.

    Every reader reads them: a department's ranked week makes ~1,200 changes, the KPI page 520. Set once
    in plain slots, they cost a third of what figures worked out on first read through descriptors cost
    (bench/FINDINGS.md §25). Read-only by convention; two changes are equal when their KPI and values are.
    """

    __slots__ = ("kpi", "current", "previous", "absolute", "relative", "tone", "target_met", "magnitude")

    def __init__(self, kpi: KPI, current: Decimal | None, previous: Decimal | None):
        self.kpi, self.current, self.previous = kpi, current, previous
        self.target_met = kpi.target_met(current)
        if current is None or previous is None:
            # In the KPI's own unit; for a percent KPI these are percentage points.
            self.absolute = None
            # Percent change against last week; None when last week was 0 or missing.
            self.relative = None
            self.tone = Tone.MISSING if current is None else Tone.NEW
            # How far it moved, comparable across KPIs: relative change, else absolute change.
            self.magnitude = _ZERO
            return
        delta = current - previous
        # common/formatting.py `quantize`, inline: a department's ranked week makes 1,200 changes.
        places = kpi.decimals
        exponent = EXPONENTS.get(places) or Decimal(1).scaleb(-places)
        self.absolute = delta.quantize(exponent, rounding=ROUND_HALF_UP)
        running_total = kpi.is_running_total
        # A running total's growth in percent of itself says nothing; its increment is the figure.
        self.relative = None
        if previous and not running_total:
            self.relative = (delta * 100 / abs(previous)).quantize(_RELATIVE_EXPONENT, rounding=ROUND_HALF_UP)
        if not delta:
            self.tone = Tone.UNCHANGED
        elif kpi.direction == DIRECTION_NEUTRAL or running_total:
            # A running total rises by construction (and a month-to-date one falls when the month turns):
            # neither is better or worse news in itself.
            self.tone = Tone.NEUTRAL
        elif (delta > 0) == (kpi.direction == DIRECTION_HIGHER_IS_BETTER):
            self.tone = Tone.BETTER
        else:
            self.tone = Tone.WORSE
        self.magnitude = abs(self.relative if self.relative is not None else self.absolute)

    def _fields(self) -> tuple:
        return (self.kpi, self.current, self.previous)

    def __eq__(self, other):
        return self._fields() == other._fields() if isinstance(other, Change) else NotImplemented

    def __hash__(self):
        return hash(self._fields())

    def __repr__(self):
        return f"Change(kpi={self.kpi!r}, current={self.current!r}, previous={self.previous!r})"

    @property
    def is_new(self) -> bool:
        return self.current is not None and self.previous is None


def format_value(kpi: KPI, value: Decimal | None) -> str:
    """The value as people write it: 81.72%, 1829万元, 313."""
    if value is None:
        return ""
    text = format_number(value, kpi.places_for(value))
    if kpi.is_percent:
        return f"{text}%"
    return f"{text}{kpi.unit_label}"


def export_number(kpi: KPI, value: Decimal | None) -> Decimal | None:
    """The value for a spreadsheet cell: a number at the KPI's places (a whole count without ".0")."""
    return None if value is None else quantize(value, kpi.places_for(value))


# Each reads its property once: they are computed (two quantizes each), and the KPI page formats 520.
def format_absolute(change: Change) -> str:
    absolute = change.absolute
    if absolute is None:
        return ""
    text = format_signed(absolute, change.kpi.places_for(absolute))
    return f"{text} pp" if change.kpi.is_percent else f"{text}{change.kpi.unit_label}"


def format_relative(change: Change) -> str:
    relative = change.relative
    if relative is None:
        return ""
    return f"{format_signed(relative, RELATIVE_PLACES)}%"


def _weeks_between(first: dt.date, last: dt.date):
    """The ids of the weeks from the Monday `first` to the Monday `last`: `week_id IN (SELECT id …)`.

    Filtering the values on their week's Monday through a join made PostgreSQL read every value of
    the KPIs (20,280 for a team's 40 over ten years, to keep 560); on the week ids it looks each up on
    the (kpi, week) unique index. The same as the OKR look-back (okrs/progress.py `window`).
    """
    return Week.objects.filter(starts_on__gte=first, starts_on__lte=last).values("pk")


def _series_rows(kpi_ids: list[int], first: dt.date, last: dt.date):
    return (
        KPIValue.objects.filter(kpi__in=kpi_ids, week__in=_weeks_between(first, last))
        .order_by()
        .values_list("kpi_id", "week__year", "week__number", "value")
    )


# Compiled once per connection and number of KPIs (common/precompiled.py): every dashboard reads a
# history, and compiling its statement cost more than SQLite took to run it (bench/FINDINGS.md §24).
_SERIES = Precompiled(
    _series_rows,
    (id_list_stand_ins()[0], STAND_IN_MONDAYS[0], STAND_IN_LATER_MONDAYS[0]),
    (id_list_stand_ins()[1], STAND_IN_MONDAYS[1], STAND_IN_LATER_MONDAYS[1]),
)


def compare_week(kpis: Iterable[KPI], week: IsoWeek) -> dict[int, Change]:
    """Changes for the given KPIs in one week, in a single query whatever their number."""
    kpis = list(kpis)
    history = series(kpis, week, weeks=2)
    return {kpi.pk: Change(kpi, history[kpi.pk][1], history[kpi.pk][0]) for kpi in kpis}


def series(kpis: Iterable[KPI], last: IsoWeek, weeks: int = 12) -> dict[int, list[Decimal | None]]:
    """Each KPI's values over the `weeks` weeks ending with `last`, oldest first, None for gaps; one query."""
    kpis = list(kpis)
    first = last.shifted(-(weeks - 1))
    index = {astuple(first.shifted(offset)): offset for offset in range(weeks)}
    result: dict[int, list[Decimal | None]] = defaultdict(lambda: [None] * weeks)
    # order_by(): the rows land by their week, so KPIValue's default ordering (by KPI, which joins the
    # KPI and its team and sorts) buys nothing. A week is read as its year and number, plain integers:
    # its Monday was a date parsed for every value (16,800 of them for the overview of thirty teams).
    for kpi_id, year, number, value in _SERIES([kpi.pk for kpi in kpis], first.monday, last.monday):
        result[kpi_id][index[year, number]] = value
    return {kpi.pk: result[kpi.pk] for kpi in kpis}


class HistoryValue(NamedTuple):
    """What the KPI page shows of a week's stored value."""

    value: Decimal | None
    note: str


@dataclass
class KpiHistoryRow:
    week: IsoWeek
    value: HistoryValue
    change: Change


_ONE_WEEK = dt.timedelta(days=7)


def kpi_history(kpi: KPI) -> list[KpiHistoryRow]:
    """Every value of the KPI, oldest first, each against the value of the calendar week before."""
    # Plain rows: the page reads each week's value and note, and building a KPIValue and a Week for
    # each of a ten-year history's 520 weeks was a sixth of its time.
    values = list(
        kpi.values.order_by("week__starts_on").values_list(
            "week__year", "week__number", "week__starts_on", "value", "note"
        )
    )
    by_monday = {monday: value for _year, _number, monday, value, _note in values}
    return [
        # A week's Monday is its `starts_on`, so the week before starts seven days earlier.
        KpiHistoryRow(
            IsoWeek(year, number),
            HistoryValue(value, note),
            Change(kpi, value, by_monday.get(monday - _ONE_WEEK)),
        )
        for year, number, monday, value, note in values
    ]
