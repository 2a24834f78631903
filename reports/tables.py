"""The KPI values table: one row per KPI and week, with last week's value and the change.

Changes are computed by `reports.comparison.Change` from the row's value and the annotated
`previous_value`, so the numbers match the dashboards to the digit. HTML cells show formatted
text (−14.33 pp); exports get the plain numbers (-14.33) through the `value_*` methods.
"""

from __future__ import annotations

import django_tables2 as tables
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from common.formatting import escape_html, quantize
from common.lists.tables import NUM, ListTable, order_nulls_last
from reports.comparison import Change, export_number, format_absolute, format_relative, format_value
from reports.table_rows import RowWriter

# The target status cell, shared with the plain-rows CSV (reports/exports.py).
TARGET_LABELS = {True: _("Met"), False: _("Missed")}


def change_of(record) -> Change:
    # Several cells of a row read the same comparison; compute it once per row.
    change = getattr(record, "_change", None)
    if change is None:
        change = Change(record.kpi, record.value, record.previous_value)
        record._change = change
    return change


def _tone_span(tone, text) -> str:
    # format_html's output without its per-argument check for a lazy string: three cells a row use it.
    return mark_safe(f'<span class="tone-{escape_html(tone)}">{escape_html(text)}</span>')  # noqa: S308


class KPIValueTable(ListTable):
    own_row_writer = RowWriter

    team = tables.Column(
        accessor="kpi__team__name",
        verbose_name=_("Team"),
        order_by=("kpi__team__position", "kpi__team__name"),
    )
    group = tables.Column(accessor="kpi__group", verbose_name=_("Group"))
    kpi = tables.Column(
        accessor="kpi__name",
        verbose_name=_("KPI"),
        order_by=("kpi__name", "kpi__team__name"),
        linkify=lambda record: record.kpi.get_absolute_url(),
    )
    week = tables.Column(
        accessor="week",
        verbose_name=_("Week"),
        # pk breaks the ties within a week, so paging never repeats or skips a row.
        order_by=("week__starts_on", "pk"),
        attrs={"td": {"class": "nowrap"}},
    )
    value = tables.Column(verbose_name=_("This week"), attrs=NUM)
    previous_value = tables.Column(verbose_name=_("Last week"), attrs=NUM)
    change = tables.Column(verbose_name=_("Change"), empty_values=(), attrs=NUM)
    relative_change = tables.Column(verbose_name=_("Relative change (%)"), empty_values=(), attrs=NUM)
    unit = tables.Column(verbose_name=_("Unit"), empty_values=(), visible=False, orderable=False)
    direction = tables.Column(accessor="kpi__direction", verbose_name=_("Direction"))
    target = tables.Column(accessor="kpi__target", verbose_name=_("Target"), visible=False, orderable=False)
    target_status = tables.Column(verbose_name=_("Target status"), empty_values=(), orderable=False)
    note = tables.Column(verbose_name=_("Note"), orderable=False, attrs={"td": {"class": "note"}})

    class Meta(ListTable.Meta):
        order_by = ("-week",)
        empty_text = _("No KPI values match these filters.")

    def render_week(self, value):
        return str(value.iso)

    def value_week(self, value):
        return str(value.iso)

    def render_value(self, record):
        return format_value(record.kpi, record.value)

    def value_value(self, record):
        return export_number(record.kpi, record.value)

    def render_previous_value(self, record):
        return format_value(record.kpi, record.previous_value)

    def value_previous_value(self, record):
        return export_number(record.kpi, record.previous_value)

    def render_change(self, record):
        change = change_of(record)
        if change.is_new:
            return _tone_span("new", _("new"))
        return _tone_span(change.tone, format_absolute(change))

    def value_change(self, record):
        return change_of(record).absolute

    def order_change(self, queryset, is_descending):
        return order_nulls_last(queryset, "change", is_descending)

    def render_relative_change(self, record):
        change = change_of(record)
        return _tone_span(change.tone, format_relative(change))

    def value_relative_change(self, record):
        return change_of(record).relative

    def order_relative_change(self, queryset, is_descending):
        return order_nulls_last(queryset, "relative_change", is_descending)

    def order_previous_value(self, queryset, is_descending):
        return order_nulls_last(queryset, "previous_value", is_descending)

    def value_unit(self, record):
        return "%" if record.kpi.is_percent else record.kpi.unit_label

    def value_target(self, record):
        target = record.kpi.target
        return None if target is None else quantize(target, record.kpi.decimals)

    def _target_label(self, record):
        met = change_of(record).target_met
        if met is None:
            return None, ""
        return met, TARGET_LABELS[met]

    def render_target_status(self, record):
        met, label = self._target_label(record)
        if met is None:
            return ""
        target = format_value(record.kpi, record.kpi.target)
        css = "badge-better" if met else "badge-worse"
        title, text = escape_html(target), escape_html(label)
        return mark_safe(f'<span class="badge {css}" title="{title}">{text}</span>')  # noqa: S308

    def value_target_status(self, record):
        return self._target_label(record)[1]
