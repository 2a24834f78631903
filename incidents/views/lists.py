"""The incident list (filters, table, exports) and one incident's page. Every logged-in user reads them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from common.formatting import format_duration
from common.lists.views import FilteredListView
from common.markdown import render_markdown
from incidents.filtersets import STATUS_LABELS, IncidentFilterSet, incidents_for_list
from incidents.models import FollowUpAction, Incident
from incidents.services import timeline
from incidents.tables import IncidentTable


class IncidentListView(FilteredListView):
    template_name = "incidents/incident_list.html"
    filterset_class = IncidentFilterSet
    table_class = IncidentTable
    export_name = "incidents"

    def get_queryset(self):
        return incidents_for_list()

    def get_export_name(self):
        data = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        parts = [self.export_name]
        if data.get("started_from"):
            parts.append(data["started_from"].isoformat())
        if data.get("started_to"):
            parts.append(("to-" if len(parts) == 1 else "") + data["started_to"].isoformat())
        return "-".join(parts)

    def get_export_title(self):
        return str(_("Incidents"))


incident_list = IncidentListView.as_view()


@require_safe
@login_required
def incident_detail(request, pk: int):
    incident = get_object_or_404(
        Incident.objects.select_related("team", "week").prefetch_related(
            Prefetch("actions", queryset=FollowUpAction.objects.select_related("owner"))
        ),
        pk=pk,
    )
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "status_label": STATUS_LABELS[incident.status],
            "timeline": timeline(incident),
            "time_to_resolve": format_duration(incident.time_to_resolve),
            "description_html": render_markdown(incident.description),
            "actions": list(incident.actions.all()),
            "team_week_url": reverse(
                "team-week", kwargs={"team": incident.team.slug, "week": incident.week.iso}
            ),
        },
    )
