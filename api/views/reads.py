"""Read endpoints: lists with the list pages' filters and cursor pagination, and the team week document.

Every list builds its whole queryset up front, so its query count is the same for 10 rows or 10,000.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from api import filtersets
from api.serializers import (
    IncidentSerializer,
    KeyResultSerializer,
    KeyResultUpdateSerializer,
    KPISerializer,
    KPIValueSerializer,
    ObjectiveSerializer,
    TeamSerializer,
    TeamWeekSerializer,
    WeekSerializer,
    comparison,
    decimal_text,
)
from incidents.models import FollowUpAction, Incident
from okrs.models import KeyResult, KeyResultUpdate, Objective
from pages.dashboards import team_week
from reports.filtersets import kpi_values_with_comparison
from reports.models import KPI, Team, Week

PAGE_SIZE = 100
MAX_ID = 2**63 - 1
MAX_PAGE_SIZE = 500


class Pagination(CursorPagination):
    """Cursor pages of 100 rows by default, `page_size` up to 500, in the order rows were created."""

    page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    ordering = "id"

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # DRF checks the offset but hands the position to the query as it came: a cursor forged with a
        # position that is not an id (text, a NUL, past 64 bits) failed in the database instead.
        if cursor is not None and cursor.position is not None:
            position = cursor.position
            if not (position.isascii() and position.isdigit() and int(position) <= MAX_ID):
                raise NotFound(self.invalid_cursor_message)
        return cursor


class ListViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]


class TeamViewSet(ListViewSet):
    """Teams, with their slug: the name every other endpoint uses for a team."""

    queryset = Team.objects.select_related("parent")
    serializer_class = TeamSerializer
    lookup_field = "slug"


class WeekViewSet(ListViewSet):
    """Weeks that hold any data, each with its Monday and Sunday."""

    queryset = Week.objects.all()
    serializer_class = WeekSerializer
    filterset_class = filtersets.WeekFilterSet
    lookup_field = "starts_on"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"


class KPIViewSet(ListViewSet):
    """KPI definitions: kind, unit, decimals, direction and target."""

    queryset = KPI.objects.select_related("team")
    serializer_class = KPISerializer
    filterset_class = filtersets.KPIFilterSet


class KPIValueViewSet(ListViewSet):
    """KPI values, each with last week's value and the change as the pages compute it."""

    serializer_class = KPIValueSerializer
    filterset_class = filtersets.KPIValueFilterSet

    def get_queryset(self):
        # The KPI list page's own queryset: last week's value comes from the same query.
        return kpi_values_with_comparison().select_related("updated_by").order_by()


class ObjectiveViewSet(ListViewSet):
    queryset = Objective.objects.select_related("team")
    serializer_class = ObjectiveSerializer
    filterset_class = filtersets.ObjectiveFilterSet


class KeyResultViewSet(ListViewSet):
    queryset = KeyResult.objects.select_related("objective__team", "owner")
    serializer_class = KeyResultSerializer
    filterset_class = filtersets.KeyResultFilterSet


class KeyResultUpdateViewSet(ListViewSet):
    """Each key result's weekly progress, status and note."""

    queryset = KeyResultUpdate.objects.select_related("key_result", "week", "updated_by")
    serializer_class = KeyResultUpdateSerializer
    filterset_class = filtersets.KeyResultUpdateFilterSet


def incidents_queryset():
    actions = FollowUpAction.objects.select_related("owner").order_by("position", "id")
    return Incident.objects.select_related("team", "week").prefetch_related(Prefetch("actions", actions))


class IncidentViewSet(ListViewSet):
    """Incidents, risk warnings and changes with their follow-up actions; writes: see below."""

    serializer_class = IncidentSerializer
    filterset_class = filtersets.IncidentFilterSet

    def get_queryset(self):
        return incidents_queryset()


def get_team(slug: str) -> Team:
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        raise NotFound(_("There is no team with the slug “%(slug)s”.") % {"slug": slug})
    return team


def etag(revision: int) -> str:
    return f'"{revision}"'


class TeamWeekView(APIView):
    """One team's week as one document: KPIs with their comparison, key results, incidents, narrative."""

    @extend_schema(
        responses=TeamWeekSerializer,
        parameters=[
            OpenApiParameter("team", str, OpenApiParameter.PATH),
            OpenApiParameter("week", str, OpenApiParameter.PATH, description="An ISO week such as 2024-W33."),
        ],
    )
    def get(self, request, team, week):
        team = get_team(team)
        data = team_week(team, week)
        report = data.report
        revision = report.revision if report else 0
        document = {
            "team": TeamSerializer(team).data,
            "week": str(week),
            "revision": revision,
            "status": report.status if report else None,
            "reflections": report.reflections if report else "",
            "other": report.other if report else "",
            "sections": [
                {"title": section.title, "body": section.body}
                for section in (report.sections.all() if report else [])
            ],
            "plans": [
                {"text": plan.text, "is_done": plan.is_done}
                for plan in (report.plans.all() if report else [])
            ],
            "todos": [
                {
                    "text": todo.text,
                    "section_title": todo.section_title,
                    "raised_in": str(todo.report.week.iso),
                    "done_in": str(todo.done_in.week.iso) if todo.done_in else None,
                }
                for todo in data.todos
            ],
            "kpis": [
                {
                    "kpi": row.kpi.pk,
                    "name": row.kpi.name,
                    "group": row.kpi.group,
                    "unit": row.kpi.unit,
                    "unit_label": row.kpi.unit_label,
                    "direction": row.kpi.direction,
                    "target": decimal_text(row.kpi.target),
                    "value": decimal_text(row.change.current),
                    "note": row.note,
                    "comparison": {
                        name: decimal_text(amount) if name in {"previous", "absolute", "relative"} else amount
                        for name, amount in comparison(row.change).items()
                    },
                }
                for group in data.kpi_groups
                for row in group.rows
            ],
            "key_results": [
                {
                    "key_result": row.key_result.pk,
                    "objective": str(row.key_result.objective),
                    "title": row.key_result.title,
                    "measure": row.key_result.measure,
                    "percent": decimal_text(row.percent),
                    "previous_percent": decimal_text(row.previous_percent),
                    "change": decimal_text(row.delta),
                    "status": row.status or None,
                    "note": row.update.note if row.update else "",
                    "is_stalled": row.is_stalled,
                    "is_overdue": row.is_overdue,
                }
                for row in data.okrs
            ],
            "incidents": IncidentSerializer(
                incidents_queryset().filter(pk__in=[incident.pk for incident in data.incidents.incidents]),
                many=True,
                context={"request": request},
            ).data,
        }
        return Response(document, headers={"ETag": etag(revision)})
