"""Filters of the OKR list. `week` picks which week's updates are shown (default: the latest)."""

from __future__ import annotations

import django_filters
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from common.lists.filters import FilterForm, IsoWeekFilter, ListedModelChoiceFilter, search_any
from common.weeks import IsoWeek
from okrs.models import KeyResult, KeyResultUpdate, Objective
from okrs.services import ALL_FIELDS, key_results_for_week, latest_update_week
from reports.filtersets import team_filter


def period_choices():
    periods = Objective.objects.order_by("-period").values_list("period", flat=True).distinct()
    return [(period, period) for period in periods]


class WeekParameter(IsoWeekFilter):
    """Not a row filter: it chooses the week whose updates the rows show (see filter_queryset)."""

    def filter(self, qs, value):
        return qs


# The week fields a filter reads, by the filter's parameter.
FILTERED_FIELDS = {"week_status": "status", "week_note": "q"}


class KeyResultFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    # The teams read once for the check and the select (common/lists/filters.py).
    team = team_filter("objective__team", ListedModelChoiceFilter)
    period = django_filters.ChoiceFilter(
        field_name="objective__period",
        choices=period_choices,
        label=_("Period"),
        empty_label=_("All periods"),
    )
    objective = django_filters.CharFilter(
        field_name="objective__code", lookup_expr="iexact", label=_("Objective code")
    )
    status = django_filters.ChoiceFilter(
        field_name="week_status",
        choices=KeyResultUpdate.Status.choices,
        label=_("Status this week"),
        empty_label=_("Any"),
    )
    week = WeekParameter(
        field_name="week", label=_("Week"), help_text=_("Default: the latest week with updates.")
    )

    class Meta:
        model = KeyResult
        fields = []
        form = FilterForm

    @cached_property
    def selected_week(self) -> IsoWeek | None:
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("week"):
            return self.form.cleaned_data["week"]
        return latest_update_week()

    def __init__(self, *args, all_week_fields=True, **kwargs):
        super().__init__(*args, **kwargs)
        week_fields = ALL_FIELDS
        if not all_week_fields:
            # Only what the filters read from the week's update (a blank search reads nothing): the
            # table adds what it sorts on (KeyResultTable.order_*), the page reads the shown rows' week,
            # the status as of the week included, after paginating (okrs.services.week_values), so the
            # page query carries no correlated subquery. An export reads every field with its rows.
            week_fields = [
                field for field, name in FILTERED_FIELDS.items() if self.data.get(name, "").strip()
            ]
        # Annotated here, not in filter_queryset, so the empty result of invalid filters can still sort.
        self.queryset = key_results_for_week(self.queryset, self.selected_week, week_fields)

    def search(self, queryset, name, value):
        return search_any(queryset, value, ("title", "description", "objective__title", "week_note"))


class QuarterFilterSet(django_filters.FilterSet):
    """Filters of the quarter view; the quarter itself is in the URL."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    team = team_filter("objective__team")
    objective = django_filters.CharFilter(
        field_name="objective__code", lookup_expr="iexact", label=_("Objective code")
    )

    class Meta:
        model = KeyResult
        fields = []

    def search(self, queryset, name, value):
        return search_any(queryset, value, ("title", "description", "objective__title"))
