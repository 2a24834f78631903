"""What the API says: decimals as strings, datetimes in ISO 8601 with their offset, weeks as 2024-W33.

KPI values carry the week-over-week comparison exactly as the pages compute it (reports.comparison).
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.formatting import plain_decimal
from incidents.models import FollowUpAction, Incident
from okrs.models import KeyResult, KeyResultUpdate, Objective
from okrs.progress import percent_of
from reports.comparison import Change, Tone
from reports.models import KPI, KPIValue, Team, Week

DECIMAL_SCHEMA = {"type": "string", "format": "decimal", "example": "81.72", "nullable": True}
WEEK_SCHEMA = {"type": "string", "pattern": r"^\d{4}-W\d{2}$", "example": "2024-W33"}


def decimal_text(value: Decimal | None) -> str | None:
    """81.72, never 81.720000 and never a float; None stays null."""
    return None if value is None else f"{plain_decimal(value):f}"


@extend_schema_field(DECIMAL_SCHEMA)
class DecimalText(serializers.Field):
    """A stored decimal, read as the shortest exact string."""

    def to_representation(self, value):
        return decimal_text(value)


@extend_schema_field(WEEK_SCHEMA)
class WeekText(serializers.Field):
    def to_representation(self, value: Week):
        return str(value.iso)


class TeamSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "slug", "name", "parent", "is_active", "position"]


class WeekSerializer(serializers.ModelSerializer):
    week = serializers.SerializerMethodField()
    ends_on = serializers.SerializerMethodField()

    class Meta:
        model = Week
        fields = ["week", "year", "number", "starts_on", "ends_on"]

    @extend_schema_field(WEEK_SCHEMA)
    def get_week(self, week) -> str:
        return str(week.iso)

    def get_ends_on(self, week) -> str:
        return week.iso.sunday.isoformat()


class KPISerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    target = DecimalText()
    kind = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    aliases = serializers.SerializerMethodField()

    class Meta:
        model = KPI
        fields = [
            "id",
            "team",
            "name",
            "group",
            "kind",
            "source",
            "unit",
            "unit_label",
            "decimals",
            "direction",
            "target",
            "aliases",
            "description",
            "position",
            "is_active",
        ]

    # Kind and source are read when the KPI model has them (level/cumulative, form/computed/API).
    def get_kind(self, kpi) -> str:
        return str(getattr(kpi, "kind", "level"))

    def get_source(self, kpi) -> str:
        return str(getattr(kpi, "source", "form"))

    def get_aliases(self, kpi) -> list[str]:
        return kpi.alias_list()


class ComparisonSerializer(serializers.Serializer):
    """This week against last week, for one KPI: the figures every page shows."""

    previous = DecimalText(help_text="Last week's value; null when there was none (the value is new).")
    absolute = DecimalText(help_text="This week minus last week, in the KPI's unit (pp for a percent KPI).")
    absolute_unit = serializers.CharField(help_text='"pp" for a percent KPI, else the unit label.')
    relative = DecimalText(help_text="Percent change against last week; null when last week was 0 or none.")
    tone = serializers.ChoiceField(
        choices=[Tone.BETTER, Tone.WORSE, Tone.NEUTRAL, Tone.UNCHANGED, Tone.NEW, Tone.MISSING]
    )
    target_met = serializers.BooleanField(allow_null=True)


def comparison(change: Change) -> dict:
    kpi = change.kpi
    return {
        "previous": change.previous,
        "absolute": change.absolute,
        "absolute_unit": "pp" if kpi.is_percent else kpi.unit_label,
        "relative": change.relative,
        "tone": change.tone,
        "target_met": change.target_met,
    }


class KPIValueSerializer(serializers.ModelSerializer):
    """A KPI value, compared with `previous_value`: last week's, kept on the row (reports/migrations/0006)."""

    team = serializers.SlugRelatedField(source="kpi.team", slug_field="slug", read_only=True)
    kpi_name = serializers.CharField(source="kpi.name", read_only=True)
    group = serializers.CharField(source="kpi.group", read_only=True)
    week = WeekText()
    value = DecimalText()
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    comparison = serializers.SerializerMethodField()

    class Meta:
        model = KPIValue
        fields = [
            "id",
            "kpi",
            "kpi_name",
            "team",
            "group",
            "week",
            "value",
            "note",
            "comparison",
            "updated_at",
            "updated_by",
        ]

    @extend_schema_field(ComparisonSerializer)
    def get_comparison(self, value) -> dict:
        change = Change(value.kpi, value.value, value.previous_value)
        return ComparisonSerializer(comparison(change)).data


class ObjectiveSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Objective
        fields = ["id", "team", "code", "title", "period", "position", "is_active"]


class KeyResultSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(source="objective.team", slug_field="slug", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    start_value = DecimalText()
    target_value = DecimalText()

    class Meta:
        model = KeyResult
        fields = [
            "id",
            "objective",
            "team",
            "position",
            "title",
            "description",
            "owner",
            "eta",
            "measure",
            "start_value",
            "target_value",
            "unit_label",
            "is_active",
        ]


class KeyResultUpdateSerializer(serializers.ModelSerializer):
    week = WeekText()
    progress = DecimalText()
    current_value = DecimalText()
    percent = serializers.SerializerMethodField()
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = KeyResultUpdate
        fields = [
            "id",
            "key_result",
            "week",
            "progress",
            "current_value",
            "percent",
            "status",
            "note",
            "updated_at",
            "updated_by",
        ]

    @extend_schema_field(DECIMAL_SCHEMA)
    def get_percent(self, update) -> str | None:
        """Progress in percent by the OKR pages' rule (a value item: how far from start to target)."""
        return decimal_text(percent_of(update.key_result, update.progress, update.current_value))


class FollowUpActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = FollowUpAction
        fields = ["id", "position", "description", "owner", "due_on", "done_on"]


class IncidentSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    week = WeekText()
    responsibility_share = DecimalText()
    status = serializers.CharField(read_only=True)
    actions = FollowUpActionSerializer(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "team",
            "week",
            "title",
            "kind",
            "grade",
            "affected_system",
            "started_at",
            "detected_at",
            "mitigated_at",
            "resolved_at",
            "status",
            "description",
            "impact",
            "impact_count",
            "cause",
            "resolution",
            "detection",
            "responsibility_share",
            "actions",
            "created_at",
            "updated_at",
        ]


# ---------------------------------------------------------------- writes


def decimal_input(**kwargs) -> serializers.DecimalField:
    # The columns' own bounds: 14 digits before the point, 6 after; "NaN" and "Infinity" are refused.
    return serializers.DecimalField(max_digits=20, decimal_places=6, coerce_to_string=True, **kwargs)


class KPIValueInputSerializer(serializers.Serializer):
    """One KPI's value for the week; a null value clears it, a left-out note keeps the note there is."""

    kpi = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    value = decimal_input(allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, trim_whitespace=True)


class KPIValueOneInputSerializer(serializers.Serializer):
    value = decimal_input(allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, trim_whitespace=True)


class KPIValuesInputSerializer(serializers.Serializer):
    values = KPIValueInputSerializer(many=True, allow_empty=False, max_length=500)


class KeyResultUpdateInputSerializer(serializers.Serializer):
    """The fields to set; those left out keep their value (a new update starts on track)."""

    progress = decimal_input(allow_null=True, required=False)
    current_value = decimal_input(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=KeyResultUpdate.Status.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, trim_whitespace=True)


class IncidentInputSerializer(serializers.Serializer):
    """An incident's fields; the incident form (incidents.forms.IncidentForm) then applies its rules."""

    team = serializers.SlugField(required=False, help_text="The team's slug; required to create.")
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    kind = serializers.ChoiceField(choices=Incident.Kind.choices, required=False)
    grade = serializers.ChoiceField(choices=Incident.Grade.choices, required=False, allow_blank=True)
    affected_system = serializers.CharField(required=False, allow_blank=True, max_length=200)
    started_at = serializers.DateTimeField(required=False)
    detected_at = serializers.DateTimeField(required=False, allow_null=True)
    mitigated_at = serializers.DateTimeField(required=False, allow_null=True)
    resolved_at = serializers.DateTimeField(required=False, allow_null=True)
    detection = serializers.ChoiceField(choices=Incident.Detection.choices, required=False)
    responsibility_share = serializers.DecimalField(
        max_digits=3, decimal_places=2, coerce_to_string=True, required=False
    )
    impact_count = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    impact = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    cause = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    resolution = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class TeamWeekSerializer(serializers.Serializer):
    """Schema only: the team week document built by views.team_week_document."""

    team = TeamSerializer()
    week = serializers.CharField()
    revision = serializers.IntegerField()
    status = serializers.CharField(allow_null=True)
    reflections = serializers.CharField()
    other = serializers.CharField()
    sections = serializers.ListField(child=serializers.DictField())
    todos = serializers.ListField(child=serializers.DictField())
    plans = serializers.ListField(child=serializers.DictField())
    kpis = serializers.ListField(child=serializers.DictField())
    key_results = serializers.ListField(child=serializers.DictField())
    incidents = IncidentSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(required=False)
