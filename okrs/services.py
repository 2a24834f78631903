"""Key results as of one week: that week's update beside the previous one.

An export reads every week field in its query (key_results_for_week); the board reads only those it filters
or sorts on there, and the shown rows' week in one more query (week_values).

Progress, previous update and change follow okrs/progress.py, the rule every OKR page shares.
"""

from __future__ import annotations

from django.db.models import (
    CharField,
    DecimalField,
    Exists,
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
from okrs.progress import PERCENT_FIELD, percent_expression, window, window_start
from reports.models import Week

PROGRESS = DecimalField(max_digits=5, decimal_places=2)
AMOUNT = DecimalField(max_digits=20, decimal_places=6)


def latest_update_week() -> IsoWeek | None:
    """The most recent week in which any key result was updated."""
    # EXISTS, not a join: PostgreSQL plans it in a fifth of the time (0.14 ms against 0.7) and walks the
    # weeks from the latest, probing the (week, key result) index, until one has an update.
    updated = KeyResultUpdate.objects.filter(week=OuterRef("pk"))
    week = Week.objects.filter(Exists(updated)).order_by("-starts_on").first()
    return week.iso if week else None


# The week fields a board row shows, each one value of one update: (which update, which column, type).
# "this": the week's update; "earlier": the latest one before it within the look-back (the change is
# "since the last report" for items not updated every week); "as_of": the latest at or before the week,
# however old (okrs.rules decides "overdue" on its status).
WEEK_FIELDS = {
    "week_progress": ("this", "progress", PROGRESS),
    "status_as_of_week": ("as_of", "status", CharField()),
    "week_current_value": ("this", "current_value", AMOUNT),
    "week_status": ("this", "status", CharField()),
    "week_note": ("this", "note", TextField()),
    "previous_progress": ("earlier", "progress", PROGRESS),
    "previous_current_value": ("earlier", "current_value", AMOUNT),
}
# For sorting only, and what each is computed from: the table shows the exact figures of okrs.progress.
SORT_FIELDS = {
    "week_percent": ("week_progress", "week_current_value"),
    "previous_percent": ("previous_progress", "previous_current_value"),
    "progress_change": ("week_percent", "previous_percent"),
}
ALL_FIELDS = (*WEEK_FIELDS, *SORT_FIELDS)


def _updates(which: str, week: IsoWeek):
    # order_by(): the default ordering would join key result, objective and team into each subquery.
    if which == "this":
        return KeyResultUpdate.objects.filter(
            key_result=OuterRef("pk"), week__starts_on=week.monday
        ).order_by()
    if which == "earlier":
        return KeyResultUpdate.objects.filter(
            key_result=OuterRef("pk"),
            week__starts_on__lt=week.monday,
            week__starts_on__gte=window_start(week).monday,
        ).order_by("-week__starts_on")
    return KeyResultUpdate.objects.filter(
        key_result=OuterRef("pk"), week__starts_on__lte=week.monday
    ).order_by("-week__starts_on")


def _sort_expression(name: str):
    if name == "progress_change":
        return ExpressionWrapper(F("week_percent") - F("previous_percent"), output_field=PERCENT_FIELD)
    return percent_expression(*SORT_FIELDS[name])


def with_week_fields(queryset, week: IsoWeek | None, names):
    """The queryset with the named week fields (and those they are computed from) it does not have yet.

    Each is a correlated subquery: building and compiling seven of them twice was a third of the
    board's time, so a request adds only what it filters or sorts on. Without a week every field is
    already there (NULL), from key_results_for_week.
    """
    if week is None:
        return queryset
    wanted: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending.extend(SORT_FIELDS.get(name, ()))
    present = queryset.query.annotations
    fields = {
        name: Subquery(_updates(which, week).values(column)[:1], output_field=output)
        for name, (which, column, output) in WEEK_FIELDS.items()
        if name in wanted and name not in present
    }
    if fields:
        queryset = queryset.annotate(**fields)
    for name in SORT_FIELDS:
        if name in wanted and name not in present:
            queryset = queryset.alias(**{name: _sort_expression(name)})
    return queryset


def key_results_for_week(queryset, week: IsoWeek | None, fields=ALL_FIELDS):
    """Key results with the week's progress, value, status and note, and the previous update's progress.

    `fields` limits the week fields to those named (see with_week_fields); the board reads the rest for
    the rows it shows (week_values). Closed items appear only in weeks where they still have an update.
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
    # The items updated in the week as one uncorrelated subquery, not an EXISTS per row: the same rows,
    # and a third less to compile on every board request (PostgreSQL hashed the EXISTS into this anyway).
    updated = KeyResultUpdate.objects.filter(week__starts_on=week.monday).order_by().values("key_result_id")
    return with_week_fields(queryset, week, fields).filter(ACTIVE_KEY_RESULT | Q(pk__in=updated))


def week_values(records, week: IsoWeek | None) -> None:
    """Set the week fields on the records (a page of the board) from their updates in the look-back.

    The same values as the subqueries of with_week_fields: this week's update, the latest one before it
    from window_start on, and the latest status at or before the week. One query, and one more only
    when an item past its ETA has no update in the look-back: whether it was done then, however long
    ago, decides whether the board flags it (okrs.rules.is_overdue); for any other item without an
    update in the look-back the status as of the week decides nothing and stays empty.
    """
    records = list(records)
    if week is None or not records:
        return
    # Unsorted: the latest earlier update is picked below, with no ORDER BY to compile and sort.
    updates = (
        window([record.pk for record in records], week)
        .order_by()
        .values_list("key_result_id", "week__starts_on", "progress", "current_value", "status", "note")
    )
    this: dict[int, tuple] = {}
    earlier: dict[int, tuple] = {}
    for row in updates:
        if row[1] == week.monday:
            this[row[0]] = row
        elif row[0] not in earlier or earlier[row[0]][1] < row[1]:
            earlier[row[0]] = row
    older = []
    for record in records:
        update, previous = this.get(record.pk), earlier.get(record.pk)
        record.week_progress, record.week_current_value, record.week_status, record.week_note = (
            update[2:] if update else (None, None, None, None)
        )
        record.previous_progress, record.previous_current_value = previous[2:4] if previous else (None, None)
        latest = update or previous
        record.status_as_of_week = latest[4] if latest else None
        if latest is None and record.eta is not None and record.eta <= week.sunday:
            older.append(record)
    if older:
        statuses = dict(
            with_week_fields(
                KeyResult.objects.filter(pk__in=[record.pk for record in older]), week, ["status_as_of_week"]
            )
            .order_by()
            .values_list("pk", "status_as_of_week")
        )
        for record in older:
            record.status_as_of_week = statuses.get(record.pk)


def key_results_base():
    return KeyResult.objects.select_related("objective__team", "owner").in_board_order()
