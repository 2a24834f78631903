"""The API's filters: the list pages' names (team, week, group, KPI) plus a week range.

A filter value that does not parse is a 400 naming the parameter, never an empty list or a 500.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from common.lists.filters import IsoWeekField, IsoWeekFilter
from incidents.models import Incident
from okrs.models import KeyResult, KeyResultUpdate, Objective
from reports.models import KPI, KPIValue, Week


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-W\d{2}$", "example": "2024-W33"})
class WeekBoundFilter(django_filters.Filter):
    """Rows whose Monday (`field_name`, a date) is on or after (`gte`) or before (`lte`) the ISO week's."""

    field_class = IsoWeekField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": value.monday})


MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number a 64-bit column can hold, else a 400 (the database refused 1e30)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -MAX_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def team_slug(field_name: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(field_name=f"{field_name}__slug", label=_("Team"))


class WeekFilterSet(django_filters.FilterSet):
    week_from = WeekBoundFilter(field_name="starts_on", lookup_expr="gte", label=_("From week"))
    week_to = WeekBoundFilter(field_name="starts_on", lookup_expr="lte", label=_("To week"))

    class Meta:
        model = Week
        fields = []


class KPIFilterSet(django_filters.FilterSet):
    team = team_slug("team")
    group = django_filters.CharFilter(field_name="group", label=_("Group"))
    is_active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))

    class Meta:
        model = KPI
        fields = []


class KPIValueFilterSet(django_filters.FilterSet):
    team = team_slug("kpi__team")
    kpi = IdFilter(field_name="kpi_id", label=_("KPI"))
    group = django_filters.CharFilter(field_name="kpi__group", label=_("Group"))
    week = IsoWeekFilter(field_name="week", label=_("Week"))
    week_from = WeekBoundFilter(field_name="week__starts_on", lookup_expr="gte", label=_("From week"))
    week_to = WeekBoundFilter(field_name="week__starts_on", lookup_expr="lte", label=_("To week"))

    class Meta:
        model = KPIValue
        fields = []


class ObjectiveFilterSet(django_filters.FilterSet):
    team = team_slug("team")
    period = django_filters.CharFilter(field_name="period", label=_("Period"))

    class Meta:
        model = Objective
        fields = []


class KeyResultFilterSet(django_filters.FilterSet):
    team = team_slug("objective__team")
    objective = IdFilter(field_name="objective_id", label=_("Objective"))

    class Meta:
        model = KeyResult
        fields = []


class KeyResultUpdateFilterSet(django_filters.FilterSet):
    team = team_slug("key_result__objective__team")
    key_result = IdFilter(field_name="key_result_id", label=_("Key result"))
    week = IsoWeekFilter(field_name="week", label=_("Week"))
    week_from = WeekBoundFilter(field_name="week__starts_on", lookup_expr="gte", label=_("From week"))
    week_to = WeekBoundFilter(field_name="week__starts_on", lookup_expr="lte", label=_("To week"))

    class Meta:
        model = KeyResultUpdate
        fields = []


class IncidentFilterSet(django_filters.FilterSet):
    team = team_slug("team")
    kind = django_filters.ChoiceFilter(choices=Incident.Kind.choices, label=_("Kind"))
    grade = django_filters.ChoiceFilter(choices=Incident.Grade.choices, label=_("Grade"))
    week = IsoWeekFilter(field_name="week", label=_("Week"))
    week_from = WeekBoundFilter(field_name="week__starts_on", lookup_expr="gte", label=_("From week"))
    week_to = WeekBoundFilter(field_name="week__starts_on", lookup_expr="lte", label=_("To week"))

    class Meta:
        model = Incident
        fields = []
