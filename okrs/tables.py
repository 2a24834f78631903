"""The OKR table: each key result with the chosen week's progress, change since the last update, status."""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.charts import progress_line
from common.formatting import format_number, format_signed, plain_decimal
from common.lists.tables import NUM, ListTable, order_nulls_last
from common.weeks import IsoWeek
from okrs.models import KeyResult, KeyResultUpdate
from okrs.progress import change_between, percent_of
from okrs.quarter import quarter_progress
from okrs.rules import is_overdue
from okrs.services import with_week_fields
from okrs.table_rows import RowWriter

STATUS_BADGES = {
    KeyResultUpdate.Status.ON_TRACK: "badge-better",
    KeyResultUpdate.Status.AT_RISK: "badge-warn",
    KeyResultUpdate.Status.BLOCKED: "badge-worse",
    KeyResultUpdate.Status.DONE: "",
}
STATUS_LABELS = dict(KeyResultUpdate.Status.choices)


def is_past_eta(record, week: IsoWeek | None) -> bool:
    return is_overdue(record.eta, record.status_as_of_week, week)


def week_percent(record) -> Decimal | None:
    return percent_of(record, record.week_progress, record.week_current_value)


def progress_change(record) -> Decimal | None:
    previous = percent_of(record, record.previous_progress, record.previous_current_value)
    return change_between(week_percent(record), previous)


class KeyResultTable(ListTable):
    own_row_writer = RowWriter

    team = tables.Column(
        accessor="objective__team__name",
        verbose_name=_("Team"),
        order_by=("objective__team__position", "objective__team__name"),
    )
    period = tables.Column(accessor="objective__period", verbose_name=_("Period"), visible=False)
    objective = tables.Column(
        verbose_name=_("Objective"), order_by=("objective__period", "objective__position", "objective__code")
    )
    title = tables.Column(verbose_name=_("Key result"))
    owner = tables.Column(verbose_name=_("Owner"), order_by=("owner__username",))
    eta = tables.Column(verbose_name=_("ETA"), attrs={"td": {"class": "eta nowrap"}})
    past_eta = tables.Column(verbose_name=_("Past ETA"), empty_values=(), visible=False, orderable=False)
    progress = tables.Column(
        accessor="week_progress",
        verbose_name=_("Progress (%)"),
        order_by=("week_progress",),
        empty_values=(),
        attrs=NUM,
    )
    current_value = tables.Column(
        accessor="week_current_value", verbose_name=_("Current value"), visible=False
    )
    change = tables.Column(verbose_name=_("Change (pp)"), empty_values=(), attrs=NUM)
    status = tables.Column(accessor="week_status", verbose_name=_("Status"), order_by=("week_status",))
    note = tables.Column(
        accessor="week_note", verbose_name=_("Note"), orderable=False, attrs={"td": {"class": "note"}}
    )

    class Meta(ListTable.Meta):
        row_attrs = {"class": lambda record, table: "past-eta" if is_past_eta(record, table.week) else ""}
        empty_text = _("No key results match these filters.")

    def __init__(self, *args, week: IsoWeek | None = None, **kwargs):
        self.week = week
        super().__init__(*args, **kwargs)

    def render_objective(self, record):
        return f"{record.objective.code} {record.objective.title}"

    def value_objective(self, record):
        return f"{record.objective.code} {record.objective.title}"

    def render_owner(self, value):
        return value.get_full_name() or value.get_username()

    def value_owner(self, value):
        return value.get_full_name() or value.get_username()

    def is_past_eta(self, record) -> bool:
        return is_past_eta(record, self.week)

    def render_eta(self, record):
        return self.eta_html(record, self.is_past_eta(record))

    def eta_html(self, record, past_eta: bool):
        text = record.eta.isoformat()
        if past_eta:
            return format_html('<span class="past-eta-date" title="{}">{} ⚠</span>', _("Past ETA"), text)
        return text

    def value_eta(self, record):
        return record.eta

    def value_past_eta(self, record):
        return _("yes") if is_past_eta(record, self.week) else ""

    def render_progress(self, record):
        if record.measure == KeyResult.Measure.VALUE and record.week_current_value is not None:
            target = "" if record.target_value is None else f" / {format_number(record.target_value, 2)}"
            return f"{format_number(record.week_current_value, 2)}{target}{record.unit_label}"
        percent = week_percent(record)
        if percent is None:
            return ""
        return f"{plain_decimal(percent):f}%"

    def value_progress(self, record):
        return plain_decimal(week_percent(record))

    def change_of(self, record) -> Decimal | None:
        return progress_change(record)

    def render_change(self, record):
        return self.change_html(self.change_of(record))

    def change_html(self, change: Decimal | None):
        if change is None:
            return ""
        tone = "better" if change > 0 else "worse" if change < 0 else "unchanged"
        places = 0 if change % 1 == 0 else 2
        return format_html('<span class="tone-{}">{} pp</span>', tone, format_signed(change, places))

    def value_change(self, record):
        return plain_decimal(progress_change(record))

    def order_change(self, queryset, is_descending):
        queryset = with_week_fields(queryset, self.week, ["progress_change"])
        return order_nulls_last(queryset, "progress_change", is_descending)

    def order_eta(self, queryset, is_descending):
        return order_nulls_last(queryset, "eta", is_descending)

    def order_progress(self, queryset, is_descending):
        queryset = with_week_fields(queryset, self.week, ["week_percent"])
        return order_nulls_last(queryset, "week_percent", is_descending)

    def order_status(self, queryset, is_descending):
        # The week fields the list sorts on are added when it sorts on them (okrs/services.py).
        queryset = with_week_fields(queryset, self.week, ["week_status"])
        return queryset.order_by("-week_status" if is_descending else "week_status"), True

    def render_status(self, value):
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGES.get(value, ""), STATUS_LABELS[value]
        )

    def value_status(self, value):
        return str(STATUS_LABELS[value])


class QuarterTable(ListTable):
    """Key results over a quarter: the progress line against the pace to the ETA, and the final figures."""

    team = tables.Column(
        accessor="objective__team__name",
        verbose_name=_("Team"),
        order_by=("objective__team__position", "objective__team__name"),
    )
    objective = tables.Column(
        verbose_name=_("Objective"), order_by=("objective__period", "objective__position", "objective__code")
    )
    title = tables.Column(verbose_name=_("Key result"))
    eta = tables.Column(verbose_name=_("ETA"), attrs={"td": {"class": "eta nowrap"}})
    line = tables.Column(
        verbose_name=_("Progress over the quarter"),
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
    )
    start = tables.Column(verbose_name=_("Start (%)"), empty_values=(), orderable=False, attrs=NUM)
    latest = tables.Column(verbose_name=_("Latest (%)"), empty_values=(), orderable=False, attrs=NUM)
    change = tables.Column(verbose_name=_("Change (pp)"), empty_values=(), orderable=False, attrs=NUM)
    pace = tables.Column(verbose_name=_("Pace (%)"), empty_values=(), orderable=False, attrs=NUM)
    against_pace = tables.Column(
        verbose_name=_("Against pace (pp)"), empty_values=(), orderable=False, attrs=NUM
    )

    class Meta(ListTable.Meta):
        empty_text = _("No key results in this quarter match these filters.")

    def __init__(self, *args, quarter=None, today=None, **kwargs):
        self.quarter, self.today = quarter, today
        self._progress = None
        super().__init__(*args, **kwargs)

    def progress_of(self, record):
        # Every row's quarter comes from one query over the filtered items, on the first cell asked for,
        # so neither a page nor a streamed export queries per row.
        if self._progress is None:
            self._progress = quarter_progress(self.data.data, self.quarter, self.today)
        return self._progress.get(record.pk)

    def render_objective(self, record):
        return f"{record.objective.code} {record.objective.title}"

    def value_objective(self, record):
        return f"{record.objective.code} {record.objective.title}"

    def value_eta(self, record):
        return record.eta

    def render_line(self, record):
        progress = self.progress_of(record)
        return progress_line(
            progress.figures,
            progress.pace_line(),
            label=_("%(item)s: progress by week") % {"item": record.title},
        )

    def _percent(self, value):
        return "" if value is None else f"{plain_decimal(value):f}%"

    def render_start(self, record):
        return self._percent(self.progress_of(record).start)

    def value_start(self, record):
        return plain_decimal(self.progress_of(record).start)

    def render_latest(self, record):
        return self._percent(self.progress_of(record).latest)

    def value_latest(self, record):
        return plain_decimal(self.progress_of(record).latest)

    def render_change(self, record):
        change = self.progress_of(record).change
        return "" if change is None else f"{format_signed(plain_decimal(change), _places(change))} pp"

    def value_change(self, record):
        return plain_decimal(self.progress_of(record).change)

    def render_pace(self, record):
        return self._percent(self.progress_of(record).pace)

    def value_pace(self, record):
        return plain_decimal(self.progress_of(record).pace)

    def render_against_pace(self, record):
        gap = self.progress_of(record).against_pace
        if gap is None:
            return ""
        word = _("ahead") if gap >= 0 else _("behind")
        tone = "better" if gap >= 0 else "worse"
        return format_html(
            '<span class="tone-{}">{} pp · {}</span>',
            tone,
            format_signed(plain_decimal(gap), _places(gap)),
            word,
        )

    def value_against_pace(self, record):
        return plain_decimal(self.progress_of(record).against_pace)


def _places(value: Decimal) -> int:
    return 0 if value % 1 == 0 else 2
