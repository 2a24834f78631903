"""Filters of the KPI values list, and the team picker every list shares."""

from __future__ import annotations

import django_filters
from django.db.models import DecimalField, ExpressionWrapper, F
from django.db.models.functions import Abs, NullIf
from django.utils.translation import gettext_lazy as _

from common.lists.filters import IsoWeekFilter, search_any
from reports.models import KPI, KPIValue, Team
from reports.week_news import AGAINST_LAST_WEEK, AGAINST_RULES, WORSE


def team_choices_queryset(request=None):
    return Team.objects.order_by("position", "name")


def team_filter(
    field_name: str, filter_class=django_filters.ModelChoiceFilter
) -> django_filters.ModelChoiceFilter:
    """The team picker every list shares: chosen by slug, teams in their own order."""
    return filter_class(
        field_name=field_name,
        to_field_name="slug",
        queryset=team_choices_queryset,
        label=_("Team"),
        empty_label=_("All teams"),
    )


def kpi_group_choices():
    groups = KPI.objects.exclude(group="").order_by("group").values_list("group", flat=True).distinct()
    return [(group, group) for group in groups]


def kpi_values_with_comparison():
    """Every KPI value with what the list compares it with: last week's value, stored on the row.

    `previous_value` is the KPI's value in the calendar week before, kept by the database
    (reports/migrations/0006), so the change and relative change are expressions over two columns of
    the same row: sorting the whole history by them is a plain sort, not a lookup per row.
    """
    decimal = DecimalField(max_digits=20, decimal_places=6)
    return (
        KPIValue.objects.select_related("kpi__team", "week")
        # Aliases, not annotations: only sorting reads them, so they are not selected per row.
        .alias(
            change=ExpressionWrapper(F("value") - F("previous_value"), output_field=decimal),
            relative_change=ExpressionWrapper(
                (F("value") - F("previous_value")) * 100 / Abs(NullIf(F("previous_value"), 0)),
                output_field=decimal,
            ),
        )
        .order_by("-week__starts_on", "kpi__team__position", "kpi__team__name", "kpi__position", "kpi__name")
    )


class KPIValueFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    team = team_filter("kpi__team")
    week = IsoWeekFilter(field_name="week", label=_("Week"))
    group = django_filters.ChoiceFilter(
        field_name="kpi__group", choices=kpi_group_choices, label=_("Group"), empty_label=_("All groups")
    )
    direction = django_filters.ChoiceFilter(
        field_name="kpi__direction", choices=KPI.Direction.choices, label=_("Direction"), empty_label=_("Any")
    )
    change = django_filters.ChoiceFilter(
        choices=AGAINST_LAST_WEEK, method="filter_change", label=_("Against last week"), empty_label=_("Any")
    )

    class Meta:
        model = KPIValue
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # Links made before the choice above said `worse=true`; they still open the list they named.
        if data is not None and data.get("worse") == "true" and not data.get("change"):
            data = data.copy()
            data["change"] = WORSE
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        return search_any(queryset, value, ("kpi__name", "kpi__aliases", "kpi__group", "note"))

    def filter_change(self, queryset, name, value):
        return queryset.alias(change_size=Abs(F("value") - F("previous_value"))).filter(
            AGAINST_RULES[value]()
        )
