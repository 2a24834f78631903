"""The incident table: local ISO start times, derived status, time to resolve; plain numbers in exports."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.formatting import duration_minutes, format_duration, plain_decimal
from common.lists.exports import DATETIME_FORMAT
from common.lists.tables import NUM, ListTable, order_nulls_last
from incidents.filtersets import MITIGATED, OPEN, STATUS_LABELS
from incidents.models import Incident

STATUS_BADGES = {OPEN: "badge-worse", MITIGATED: "badge-warn"}


def local_minute(moment) -> str:
    return timezone.localtime(moment).strftime(DATETIME_FORMAT) if moment else ""


class IncidentTable(ListTable):
    started_at = tables.Column(verbose_name=_("Started"), attrs={"td": {"class": "nowrap"}})
    # Within a team, newest first as the list's own order; the id settles equal times, so a page never
    # repeats or skips a row.
    team = tables.Column(
        accessor="team__name",
        verbose_name=_("Team"),
        order_by=("team__position", "team__name", "-started_at", "-pk"),
    )
    title = tables.Column(verbose_name=_("Title"), linkify=lambda record: record.get_absolute_url())
    affected_system = tables.Column(verbose_name=_("Affected system"), visible=False)
    grade = tables.Column(verbose_name=_("Grade"), empty_values=())
    kind = tables.Column(verbose_name=_("Kind"))
    status = tables.Column(accessor="status_code", verbose_name=_("Status"), order_by=("status_code",))
    resolved_at = tables.Column(verbose_name=_("Resolved"), visible=False)
    time_to_resolve = tables.Column(
        verbose_name=_("Time to resolve"), empty_values=(), exclude_from_export=True, attrs=NUM
    )
    time_to_resolve_minutes = tables.Column(
        verbose_name=_("Time to resolve (min)"), empty_values=(), visible=False
    )
    detection = tables.Column(verbose_name=_("Detection"))
    impact_count = tables.Column(verbose_name=_("Failed operations"), visible=False)
    responsibility_share = tables.Column(verbose_name=_("Responsibility share"), attrs=NUM)

    class Meta(ListTable.Meta):
        order_by = ("-started_at",)
        empty_text = _("No incidents match these filters.")

    def render_started_at(self, value):
        return local_minute(value)

    def value_started_at(self, value):
        # The moment itself: CSV writes it as local ISO text, XLSX as a date-time cell.
        return value

    def render_grade(self, record):
        return record.grade or Incident.Grade.NONE.label

    def value_grade(self, record):
        return record.grade

    def render_status(self, value):
        css = STATUS_BADGES.get(value, "badge-better")
        return format_html('<span class="badge {}">{}</span>', css, STATUS_LABELS[value])

    def value_status(self, value):
        return str(STATUS_LABELS[value])

    def render_time_to_resolve(self, record):
        return format_duration(record.time_to_resolve)

    def order_time_to_resolve(self, queryset, is_descending):
        return order_nulls_last(queryset, "resolve_duration", is_descending)

    # The export's minutes are the same duration: ?sort=time_to_resolve_minutes sorts as its shown column.
    order_time_to_resolve_minutes = order_time_to_resolve

    def value_time_to_resolve_minutes(self, record):
        return duration_minutes(record.time_to_resolve)

    def render_responsibility_share(self, value):
        return f"{plain_decimal(value):f}"

    def value_responsibility_share(self, value):
        return plain_decimal(value)
