"""Filters of the incident list; status is derived from the timestamps and filtered in SQL."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Case, CharField, DurationField, ExpressionWrapper, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from common.lists.filters import IsoWeekFilter, search_any
from incidents.models import Incident
from reports.filtersets import team_filter

OPEN, MITIGATED, RESOLVED = "open", "mitigated", "resolved"
STATUS_CHOICES = [(OPEN, _("Open")), (MITIGATED, _("Mitigated")), (RESOLVED, _("Resolved"))]
STATUS_LABELS = dict(STATUS_CHOICES)
STATUS_CONDITIONS = {
    OPEN: Q(resolved_at__isnull=True, mitigated_at__isnull=True),
    MITIGATED: Q(resolved_at__isnull=True, mitigated_at__isnull=False),
    RESOLVED: Q(resolved_at__isnull=False),
}
NOT_GRADED = "none"
GRADE_CHOICES = [
    *((value, label) for value, label in Incident.Grade.choices if value),
    (NOT_GRADED, _("Not graded")),
]


def incidents_for_list():
    """Incidents with team and week joined; status and time to resolve computed in SQL for sorting."""
    return (
        Incident.objects.select_related("team", "week")
        .annotate(
            status_code=Case(
                *(When(condition, then=Value(code)) for code, condition in STATUS_CONDITIONS.items()),
                output_field=CharField(),
            )
        )
        .alias(
            resolve_duration=ExpressionWrapper(
                F("resolved_at") - F("started_at"), output_field=DurationField()
            )
        )
        .order_by("-started_at", "-pk")
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        # A date input holds an ISO date or nothing: echoing back "2024-13-45" is invalid HTML the
        # browser would drop anyway. The error beside the field still quotes what was typed.
        value = super().format_value(value)
        try:
            return dt.date.fromisoformat(value).isoformat() if value else value
        except ValueError:
            return None


class IncidentFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("started_from"), data.get("started_to")
        if start and end and start > end:
            self.add_error("started_to", _("The end date is before the start date."))
        return data


class IncidentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    team = team_filter("team")
    # The overview links here for a week's records when it shows only the most severe of them.
    week = IsoWeekFilter(field_name="week", label=_("Week"))
    grade = django_filters.ChoiceFilter(
        choices=GRADE_CHOICES, method="filter_grade", label=_("Grade"), empty_label=_("Any")
    )
    kind = django_filters.ChoiceFilter(choices=Incident.Kind.choices, label=_("Kind"), empty_label=_("Any"))
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=_("Status"), empty_label=_("Any")
    )
    detection = django_filters.ChoiceFilter(
        choices=Incident.Detection.choices, label=_("Detection"), empty_label=_("Any")
    )
    # Dates are calendar days in the configured time zone (`__date` converts in SQL).
    started_from = django_filters.DateFilter(
        field_name="started_at", lookup_expr="date__gte", label=_("Started from"), widget=DateInput
    )
    started_to = django_filters.DateFilter(
        field_name="started_at", lookup_expr="date__lte", label=_("Started to"), widget=DateInput
    )

    class Meta:
        model = Incident
        fields = []
        form = IncidentFilterForm

    def search(self, queryset, name, value):
        return search_any(queryset, value, ("title", "affected_system", "description", "cause", "impact"))

    def filter_grade(self, queryset, name, value):
        return queryset.filter(grade="" if value == NOT_GRADED else value)

    def filter_status(self, queryset, name, value):
        return queryset.filter(STATUS_CONDITIONS[value])
