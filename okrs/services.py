"""Key results as of one week: that week's update beside the previous one, in one query.

Progress, previous update and change follow okrs/progress.py, the rule every OKR page shares.
"""

from __future__ import annotations

from django.db.models import (
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)

from common.weeks import IsoWeek
from okrs.models import ACTIVE_KEY_RESULT, KeyResult, KeyResultUpdate
from okrs.progress import PERCENT_FIELD, percent_expression, window_start
from reports.models import Week

PROGRESS = DecimalField(max_digits=5, decimal_places=2)
AMOUNT = DecimalField(max_digits=20, decimal_places=6)


def latest_update_week() -> IsoWeek | None:
    """The most recent week in which any key result was updated."""
    week = Week.objects.filter(key_result_updates__isnull=False).order_by("-starts_on").first()
    return week.iso if week else None


def key_results_for_week(queryset, week: IsoWeek | None):
    """Key results with the week's progress, value, status and note, and the previous update's progress.

    "Previous" is the latest earlier update, whichever week it was in, so the change reads as
    "since the last report" for items not updated every week. Closed items appear only in weeks
    where they still have an update.
    """
    if week is None:
        none = {"output_field": PROGRESS}
        return queryset.annotate(
            week_progress=Value(None, **none),
            week_current_value=Value(None, output_field=AMOUNT),
            week_status=Value(None, output_field=CharField()),
            status_as_of_week=Value(None, output_field=CharField()),
            week_note=Value(None, output_field=TextField()),
            previous_progress=Value(None, **none),
            previous_current_value=Value(None, output_field=AMOUNT),
            week_percent=Value(None, output_field=PERCENT_FIELD),
            progress_change=Value(None, output_field=PERCENT_FIELD),
        ).filter(ACTIVE_KEY_RESULT)
    # order_by(): the default ordering would join key result, objective and team into each subquery.
    this_week = KeyResultUpdate.objects.filter(
        key_result=OuterRef("pk"), week__starts_on=week.monday
    ).order_by()
    earlier = KeyResultUpdate.objects.filter(
        key_result=OuterRef("pk"),
        week__starts_on__lt=week.monday,
        week__starts_on__gte=window_start(week).monday,
    ).order_by("-week__starts_on")
    # The latest status at or before the week, however old: okrs.rules decides "overdue" on it.
    as_of_week = KeyResultUpdate.objects.filter(
        key_result=OuterRef("pk"), week__starts_on__lte=week.monday
    ).order_by("-week__starts_on")
    return (
        queryset.annotate(
            week_progress=Subquery(this_week.values("progress")[:1], output_field=PROGRESS),
            status_as_of_week=Subquery(as_of_week.values("status")[:1], output_field=CharField()),
            week_current_value=Subquery(this_week.values("current_value")[:1], output_field=AMOUNT),
            week_status=Subquery(this_week.values("status")[:1], output_field=CharField()),
            week_note=Subquery(this_week.values("note")[:1], output_field=TextField()),
            previous_progress=Subquery(earlier.values("progress")[:1], output_field=PROGRESS),
            previous_current_value=Subquery(earlier.values("current_value")[:1], output_field=AMOUNT),
        )
        # For sorting only: the table shows the exact figures of okrs.progress.
        .alias(
            week_percent=percent_expression("week_progress", "week_current_value"),
            previous_percent=percent_expression("previous_progress", "previous_current_value"),
            progress_change=ExpressionWrapper(
                F("week_percent") - F("previous_percent"), output_field=PERCENT_FIELD
            ),
        )
        .filter(ACTIVE_KEY_RESULT | Q(week_status__isnull=False))
    )


def key_results_base():
    return KeyResult.objects.select_related("objective__team", "owner").in_board_order()
