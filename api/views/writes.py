"""Write endpoints: KPI values, key-result progress and incidents, under the weekly form's rules.

Each write validates everything first and writes nothing when anything is wrong (400 naming the
field, and the KPI by name); then it takes the week under lock (api/services.py): a stale If-Match
is a 412, a published week a 409 (an admin may still write, as in the form).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import services
from api.serializers import (
    ErrorSerializer,
    IncidentInputSerializer,
    IncidentSerializer,
    KeyResultUpdateInputSerializer,
    KeyResultUpdateSerializer,
    KPIValueOneInputSerializer,
    KPIValueSerializer,
    KPIValuesInputSerializer,
)
from api.views import reads
from api.views.reads import etag, get_team, incidents_queryset
from incidents.forms import IncidentForm
from incidents.models import Incident, week_of
from okrs.models import KeyResult, KeyResultUpdate
from reports.access import can_edit_team, is_admin
from reports.filtersets import kpi_values_with_comparison
from reports.models import KPI, WEEK_YEARS, KPIValue
from reports.number_rules import check_kpi_value, check_percent, check_places

IF_MATCH_RE = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The week\'s revision as read (its ETag, e.g. "7"); a stale one is refused with 412.',
)
WEEK_PATH = [
    OpenApiParameter("team", str, OpenApiParameter.PATH, description="The team's slug."),
    OpenApiParameter("week", str, OpenApiParameter.PATH, description="An ISO week such as 2024-W33."),
]
REFUSALS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input: nothing was written."),
    401: OpenApiResponse(ErrorSerializer, description="No valid token."),
    403: OpenApiResponse(
        ErrorSerializer, description="Read-only token, or not a lead of the team or an admin."
    ),
    404: OpenApiResponse(ErrorSerializer, description="No such team, KPI, key result or incident."),
    409: OpenApiResponse(ErrorSerializer, description="The week is published and locked."),
    412: OpenApiResponse(
        ErrorSerializer, description="If-Match is stale: the week changed; nothing was written."
    ),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests with this token."),
}


def expected_revision(request) -> int | None:
    """The revision in If-Match; None without one (or `*`): the write then applies to whatever is current."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = IF_MATCH_RE.match(header)
    if not match:
        raise ValidationError({"If-Match": [_('Send the week\'s ETag as it was read, such as "7".')]})
    return int(match.group(1))


def check_can_write(user, team) -> None:
    if not can_edit_team(user, team):
        raise PermissionDenied(
            _("Only a lead of %(team)s or an admin can change its week.") % {"team": team.name}
        )


def check_week(week) -> None:
    if not WEEK_YEARS[0] <= week.year <= WEEK_YEARS[1]:
        raise ValidationError(
            {
                "week": [
                    _("Choose a week between %(first)s and %(last)s.")
                    % {"first": WEEK_YEARS[0], "last": WEEK_YEARS[1]}
                ]
            }
        )


def _messages(error: DjangoValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def kpi_inputs(team, week, rows: list[dict], *, field_prefix=None) -> list[services.ValueInput]:
    """Each row checked by the form's rule for its KPI; every error at once, each naming its KPI."""
    kpis = {kpi.pk: kpi for kpi in KPI.objects.filter(team=team, pk__in=[row["kpi"] for row in rows])}
    stored = dict(
        KPIValue.objects.filter(kpi__in=list(kpis), week__starts_on=week.monday).values_list(
            "kpi_id", "value"
        )
    )
    errors, inputs, seen = [], [], set()
    for row in rows:
        kpi, problems = kpis.get(row["kpi"]), {}
        if kpi is None:
            problems["kpi"] = [_("Team %(team)s has no KPI %(id)s.") % {"team": team.slug, "id": row["kpi"]}]
        elif row["kpi"] in seen:
            problems["kpi"] = [_("%(kpi)s is given twice.") % {"kpi": kpi.name}]
        elif not kpi.is_active:
            problems["kpi"] = [_("%(kpi)s is archived; it takes no new values.") % {"kpi": kpi.name}]
        elif getattr(kpi, "source", "") == "computed":
            problems["kpi"] = [
                _("%(kpi)s is computed from other records; it cannot be set.") % {"kpi": kpi.name}
            ]
        else:
            value, note = row["value"], row.get("note")
            # As in the form: the value already stored passes even if a later rule would refuse it.
            if value is not None and value != stored.get(kpi.pk):
                try:
                    check_kpi_value(kpi, value)
                except DjangoValidationError as error:
                    problems["value"] = [f"{kpi.name}: {message}" for message in _messages(error)]
            if value is None and note:
                problems["note"] = [
                    _("%(kpi)s: enter a value to keep the note, or clear the note.") % {"kpi": kpi.name}
                ]
            if not problems:
                inputs.append(services.ValueInput(kpi, value, note))
        seen.add(row["kpi"])
        errors.append(problems)
    if any(errors):
        raise ValidationError({field_prefix: errors} if field_prefix else errors[0])
    return inputs


def _values_response(team, week, kpi_ids, revision, changed, *, status_code=200):
    values = kpi_values_with_comparison().filter(kpi__in=kpi_ids, week__starts_on=week.monday).order_by("kpi")
    body = {
        "team": team.slug,
        "week": str(week),
        "revision": revision,
        "changed": changed,
        "values": KPIValueSerializer(values.select_related("updated_by"), many=True).data,
    }
    return Response(body, status=status_code, headers={"ETag": etag(revision)})


def _write_values(request, team, week, rows, *, field_prefix=None):
    team = get_team(team)
    check_can_write(request.user, team)
    check_week(week)
    expected = expected_revision(request)
    inputs = kpi_inputs(team, week, rows, field_prefix=field_prefix)
    with transaction.atomic():
        claim = services.claim_week(
            team, week, request.user, expected=expected, allow_locked=is_admin(request.user)
        )
        changed = services.set_kpi_values(claim, inputs)
    return _values_response(team, week, [item.kpi.pk for item in inputs], claim.revision, changed)


WRITE_RESULT = inline_serializer(
    "KPIValuesWritten",
    {
        "team": serializers.CharField(),
        "week": serializers.CharField(),
        "revision": serializers.IntegerField(),
        "changed": serializers.IntegerField(),
        "values": KPIValueSerializer(many=True),
    },
)


class KPIValuesView(APIView):
    """Set one or many KPI values of a team week in one transaction: all are written, or none."""

    @extend_schema(
        request=KPIValuesInputSerializer,
        responses={200: WRITE_RESULT, **REFUSALS},
        operation_id="team_week_kpi_values_set",
        parameters=[*WEEK_PATH, IF_MATCH],
    )
    def put(self, request, team, week):
        body = KPIValuesInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _write_values(request, team, week, body.validated_data["values"], field_prefix="values")


class KPIValueView(APIView):
    """Set (or, with a null value, clear) one KPI's value in a team week."""

    @extend_schema(
        request=KPIValueOneInputSerializer,
        responses={200: WRITE_RESULT, **REFUSALS},
        operation_id="team_week_kpi_value_set",
        parameters=[*WEEK_PATH, OpenApiParameter("kpi", int, OpenApiParameter.PATH), IF_MATCH],
    )
    def put(self, request, team, week, kpi):
        body = KPIValueOneInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = {"kpi": kpi, **body.validated_data}
        return _write_values(request, team, week, [row])


def key_result_fields(key_result: KeyResult, data: dict) -> dict:
    """The form's rules for progress (0–100, two places) and value (six places), by the item's measure."""
    errors = {}
    is_value = key_result.measure == KeyResult.Measure.VALUE
    wrong, right = ("progress", "current_value") if is_value else ("current_value", "progress")
    if data.get(wrong) is not None:
        errors[wrong] = [
            _("%(title)s is measured by %(field)s; leave %(wrong)s out.")
            % {"title": key_result.title, "field": right, "wrong": wrong}
        ]
    number = data.get(right)
    if number is not None:
        try:
            if is_value:
                check_places(number, 6)
            else:
                check_percent(number)
                check_places(number, 2)
        except DjangoValidationError as error:
            errors[right] = [f"{key_result.title}: {message}" for message in _messages(error)]
    if errors:
        raise ValidationError(errors)
    return {name: value for name, value in data.items() if name != wrong}


class KeyResultUpdateView(APIView):
    """Set a key result's progress (or current value), status and note in a team week."""

    @extend_schema(
        request=KeyResultUpdateInputSerializer,
        responses={
            200: inline_serializer(
                "KeyResultUpdateWritten",
                {
                    "revision": serializers.IntegerField(),
                    "changed": serializers.BooleanField(),
                    "update": KeyResultUpdateSerializer(allow_null=True),
                },
            ),
            **REFUSALS,
        },
        parameters=[*WEEK_PATH, OpenApiParameter("key_result", int, OpenApiParameter.PATH), IF_MATCH],
    )
    def put(self, request, team, week, key_result):
        team = get_team(team)
        key_result = (
            KeyResult.objects.filter(
                pk=key_result, objective__team=team, is_active=True, objective__is_active=True
            )
            .select_related("objective")
            .first()
        )
        if key_result is None:
            raise NotFound(_("Team %(team)s has no open key result with this id.") % {"team": team.slug})
        check_can_write(request.user, team)
        check_week(week)
        expected = expected_revision(request)
        body = KeyResultUpdateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = key_result_fields(key_result, dict(body.validated_data))
        with transaction.atomic():
            claim = services.claim_week(
                team, week, request.user, expected=expected, allow_locked=is_admin(request.user)
            )
            changed = services.set_key_result_update(claim, key_result, fields)
        update = (
            KeyResultUpdate.objects.filter(key_result=key_result, week__starts_on=week.monday)
            .select_related("key_result", "week", "updated_by")
            .first()
        )
        body = {
            "revision": claim.revision,
            "changed": changed,
            "update": KeyResultUpdateSerializer(update).data if update else None,
        }
        return Response(body, headers={"ETag": etag(claim.revision)})


FORM_FIELDS = IncidentForm.Meta.fields


def _form_data(values: dict) -> dict:
    # The form reads what a browser would post: None as empty, datetimes as they are (aware, kept).
    return {name: "" if value is None else value for name, value in values.items()}


def _incident_write(request, incident: Incident, data: dict, *, partial: bool, created: bool):
    # A PATCH keeps what is not sent; a POST or PUT starts from the model's defaults (kind incident,
    # detection unknown, a full responsibility share), as a new form does.
    base = incident if partial else Incident()
    values = {name: getattr(base, name) for name in FORM_FIELDS} | data
    form = IncidentForm(_form_data(values), instance=incident)
    if not form.is_valid():
        raise ValidationError(
            {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        )
    expected = expected_revision(request)
    with transaction.atomic():
        saved = services.save_incident(
            form, request.user, allow_locked=is_admin(request.user), expected=expected
        )
    saved = incidents_queryset().get(pk=saved.pk)
    revision = services.current_revision(saved.team, week_of(saved.started_at))
    headers = {"ETag": etag(revision)}
    if created:
        headers["Location"] = request.build_absolute_uri(f"/api/v1/incidents/{saved.pk}/")
    return Response(
        IncidentSerializer(saved).data,
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        headers=headers,
    )


INCIDENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


class IncidentViewSet(reads.IncidentViewSet):
    """Incidents, risk warnings and changes with their follow-up actions; a lead records their team's."""

    @extend_schema(
        request=IncidentInputSerializer,
        responses={201: IncidentSerializer, **REFUSALS},
        parameters=[IF_MATCH],
        summary="Record an incident in its team's week (the week follows from started_at)",
    )
    def create(self, request):
        body = IncidentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        slug = data.pop("team", None)
        if not slug:
            raise ValidationError({"team": [_("Name the team by its slug.")]})
        team = get_team(slug)
        check_can_write(request.user, team)
        if "started_at" not in data:
            raise ValidationError({"started_at": [_("Say when the incident started.")]})
        return _incident_write(request, Incident(team=team), data, partial=False, created=True)

    @extend_schema(
        request=IncidentInputSerializer,
        responses={200: IncidentSerializer, **REFUSALS},
        parameters=[IF_MATCH],
        summary="Replace an incident's fields (those left out take their defaults)",
    )
    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    @extend_schema(
        request=IncidentInputSerializer,
        responses={200: IncidentSerializer, **REFUSALS},
        parameters=[IF_MATCH],
        summary="Change some of an incident's fields",
    )
    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk, *, partial):
        incident = Incident.objects.select_related("team").filter(pk=pk).first()
        if incident is None:
            raise NotFound(_("There is no incident %(id)s.") % {"id": pk})
        check_can_write(request.user, incident.team)
        body = IncidentInputSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if data.pop("team", incident.team.slug) != incident.team.slug:
            raise ValidationError({"team": [_("An incident cannot move to another team.")]})
        if not partial and "started_at" not in data:
            raise ValidationError({"started_at": [_("Say when the incident started.")]})
        return _incident_write(request, incident, data, partial=partial, created=False)
