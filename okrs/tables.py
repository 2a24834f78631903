"""The OKR table: each key result with the chosen week's progress, change since the last update, status."""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.formatting import format_number, format_signed, plain_decimal
from common.lists.tables import NUM, ListTable, order_nulls_last
from common.weeks import IsoWeek
from okrs.models import KeyResult, KeyResultUpdate
from okrs.progress import change_between, percent_of
from okrs.rules import is_overdue

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
    past_eta = tables.Column(verbose_name=_("Past ETA"), empty_values=(), visible=False)
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

    def render_eta(self, record):
        text = record.eta.isoformat()
        if is_past_eta(record, self.week):
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

    def render_change(self, record):
        change = progress_change(record)
        if change is None:
            return ""
        tone = "better" if change > 0 else "worse" if change < 0 else "unchanged"
        places = 0 if change % 1 == 0 else 2
        return format_html('<span class="tone-{}">{} pp</span>', tone, format_signed(change, places))

    def value_change(self, record):
        return plain_decimal(progress_change(record))

    def order_change(self, queryset, is_descending):
        return order_nulls_last(queryset, "progress_change", is_descending)

    def order_eta(self, queryset, is_descending):
        return order_nulls_last(queryset, "eta", is_descending)

    def order_progress(self, queryset, is_descending):
        return order_nulls_last(queryset, "week_percent", is_descending)

    def render_status(self, value):
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGES.get(value, ""), STATUS_LABELS[value]
        )

    def value_status(self, value):
        return str(STATUS_LABELS[value])
