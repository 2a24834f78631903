"""The overview's KPI lists as conditions on the KPI values list, so a count on the overview opens its rows.

"Improved most" counts reports/ranking.py `improved_most`, "Worse or off target" counts
`worse_or_off_target`; the list filters the same values in SQL, on a queryset carrying
`previous_value` (reports/filtersets.py) and the `change_size` alias (|value − previous_value|).
The rules are those of `Change.tone`, `Move.is_rankable` and `KPI.target_met`:

- better or worse only for a level KPI with a direction (a running total's rise is no news);
- a move counts only when it shows: the change rounds to a non-zero figure at the KPI's places, as
  `Change.absolute` rounds it (99.9981% → 99.9984% at three places is no move);
- off target: a value on the wrong side of the target, whatever the week before.

tests/reports/test_week_news.py checks the list's counts against the overview's, week by week.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from reports.models import KPI, KPIValue

BETTER, WORSE, ATTENTION, OFF_TARGET = "better", "worse", "attention", "off_target"
AGAINST_LAST_WEEK = [
    (BETTER, _("Better")),
    (WORSE, _("Worse")),
    (ATTENTION, _("Worse or off target")),
    (OFF_TARGET, _("Off target")),
]

_VALUE_PLACES = KPIValue._meta.get_field("value").decimal_places
_STORED_UNIT = Decimal(1).scaleb(-_VALUE_PLACES)
_SIZE = DecimalField(max_digits=20, decimal_places=_VALUE_PLACES + 1)
UP, DOWN = KPI.Direction.HIGHER_IS_BETTER, KPI.Direction.LOWER_IS_BETTER


def _smallest_shown_move():
    """The least change that rounds (half up) to a non-zero figure at the KPI's places.

    Stored values have six places, so changes are whole multiples of 0.000001: half a stored unit
    below the rounding point tells them apart exactly, even where SQLite subtracts in floating point.
    At six places or more every change shows.
    """
    return Case(
        *(
            When(kpi__decimals=places, then=Value(Decimal("0.5").scaleb(-places) - _STORED_UNIT / 2))
            for places in range(_VALUE_PLACES)
        ),
        default=Value(Decimal(0)),
        output_field=_SIZE,
    )


def _moved(better: bool) -> Q:
    up, down = ("value__gt", "value__lt") if better else ("value__lt", "value__gt")
    way = Q(kpi__direction=UP, **{up: F("previous_value")}) | Q(
        kpi__direction=DOWN, **{down: F("previous_value")}
    )
    return Q(kpi__kind=KPI.Kind.LEVEL) & way & Q(change_size__gte=_smallest_shown_move())


def _off_target() -> Q:
    return Q(kpi__direction=UP, value__lt=F("kpi__target")) | Q(
        kpi__direction=DOWN, value__gt=F("kpi__target")
    )


AGAINST_RULES = {
    BETTER: lambda: _moved(better=True),
    WORSE: lambda: _moved(better=False),
    ATTENTION: lambda: Q(kpi__kind=KPI.Kind.LEVEL) & (_moved(better=False) | _off_target()),
    OFF_TARGET: _off_target,
}
