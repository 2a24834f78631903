"""The one rule for an OKR item's progress in percent and its change since the previous update.

Every page and export that shows an item's progress or its change goes through here, so the dashboard,
the OKR list and the exported document give the same numbers for the same item.

- A PROGRESS item's percent is the progress it reported.
- A VALUE item's percent is how far its current value went from start to target, clamped to 0–100;
  without a start and a different target there is no percent.
- "Previous" is the item's most recent update strictly before the week, at most LOOKBACK_WEEKS back:
  items not reported every week still show a change "since the last report", and a page reads a
  bounded slice of the history whatever its length.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Case, DecimalField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import Greatest, Least

from common.formatting import quantize
from common.weeks import IsoWeek
from okrs.models import KeyResult, KeyResultUpdate
from reports.models import Week

LOOKBACK_WEEKS = 12
PLACES = 2
HUNDRED = Decimal(100)


def percent_of(
    key_result: KeyResult, progress: Decimal | None, current_value: Decimal | None
) -> Decimal | None:
    """The percent of an item given one week's reported progress and current value."""
    if key_result.measure != KeyResult.Measure.VALUE:
        return progress
    start, target = key_result.start_value, key_result.target_value
    if start is None or target is None or current_value is None or target == start:
        return None
    percent = (current_value - start) * HUNDRED / (target - start)
    return quantize(max(Decimal(0), min(HUNDRED, percent)), PLACES)


def progress_percent(key_result: KeyResult, update: KeyResultUpdate | None) -> Decimal | None:
    """The item's progress in percent in the week of `update` (None without an update)."""
    if update is None:
        return None
    return percent_of(key_result, update.progress, update.current_value)


def change_between(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return current - previous


def progress_change(
    key_result: KeyResult, update: KeyResultUpdate | None, previous: KeyResultUpdate | None
) -> Decimal | None:
    """Percentage points gained since the previous update; None if either side has no percent."""
    return change_between(progress_percent(key_result, update), progress_percent(key_result, previous))


def window_start(week: IsoWeek, lookback: int = LOOKBACK_WEEKS) -> IsoWeek:
    """The earliest week whose update can still count as "previous" for `week`."""
    return week.shifted(-lookback)


def window(key_result_ids: Iterable[int] | QuerySet, week: IsoWeek, lookback: int = LOOKBACK_WEEKS):
    """The updates of the items from the look-back window up to and including `week`.

    The items are ids, or a queryset of their ids read as a subquery: binding a department's 600 ids
    cost more than reading its updates (PostgreSQL 10 → 4 ms, bench/FINDINGS.md §21).
    """
    return window_between(key_result_ids, window_start(week, lookback).monday, week.monday)


def window_between(key_result_ids: Iterable[int] | QuerySet, first: dt.date, last: dt.date):
    """The updates of the items from the week of the Monday `first` to the week of the Monday `last`."""
    # The weeks as a subquery (`week_id IN (SELECT id …)`), not a join filtered on their Monday: with the
    # join PostgreSQL read every update of the items (10,400 rows for a team's 20 over ten years) to
    # keep ~260; with the week ids it looks each up on the (key result, week) index, 8× faster.
    weeks = Week.objects.filter(starts_on__gte=first, starts_on__lte=last).values("pk")
    items = key_result_ids if isinstance(key_result_ids, QuerySet) else list(key_result_ids)
    return KeyResultUpdate.objects.filter(key_result__in=items, week__in=weeks)


def recent_updates(
    key_result_ids: Iterable[int], week: IsoWeek, lookback: int = LOOKBACK_WEEKS
) -> dict[int, list[KeyResultUpdate]]:
    """Each item's updates from the look-back window up to and including `week`, oldest first; one query."""
    history: dict[int, list[KeyResultUpdate]] = defaultdict(list)
    updates = (
        window(key_result_ids, week, lookback)
        .select_related("week")
        # No page shows when or by whom an update was saved, and parsing ~10k timestamps was a fifth of
        # the department overview's first render at scale 100 (bench/FINDINGS.md).
        .defer("updated_at", "updated_by")
        .order_by("key_result_id", "week__starts_on")
    )
    for update in updates:
        history[update.key_result_id].append(update)
    return history


def previous_updates(
    key_result_ids: Iterable[int], week: IsoWeek, lookback: int = LOOKBACK_WEEKS
) -> dict[int, KeyResultUpdate]:
    """Each item's most recent update strictly before `week`, within the look-back; one query.

    Items without such an update are absent from the result.
    """
    history = recent_updates(key_result_ids, week.previous(), lookback - 1)
    return {key_result_id: updates[-1] for key_result_id, updates in history.items()}


# ---------------------------------------------------------------- the same rule in SQL
#
# The OKR list sorts by progress and by change in the database (it paginates), so the rule is also
# written as an expression here, beside its Python form. The list shows the Python numbers; the SQL is
# used for ordering only, where SQLite's float arithmetic cannot change what a reader sees.

PERCENT_FIELD = DecimalField(max_digits=30, decimal_places=10)


def percent_expression(progress: str, current_value: str):
    """SQL for percent_of() over a KeyResult queryset, given the names of the annotated week fields."""
    span = ExpressionWrapper(F("target_value") - F("start_value"), output_field=PERCENT_FIELD)
    raw = ExpressionWrapper(
        (F(current_value) - F("start_value")) * Value(HUNDRED) / span, output_field=PERCENT_FIELD
    )
    clamped = Greatest(Value(Decimal(0)), Least(Value(HUNDRED), raw, output_field=PERCENT_FIELD))
    return Case(
        When(
            Q(measure=KeyResult.Measure.VALUE)
            & Q(start_value__isnull=False, target_value__isnull=False)
            & Q(**{f"{current_value}__isnull": False})
            & ~Q(target_value=F("start_value")),
            then=clamped,
        ),
        When(measure=KeyResult.Measure.VALUE, then=Value(None, output_field=PERCENT_FIELD)),
        default=F(progress),
        output_field=PERCENT_FIELD,
    )
