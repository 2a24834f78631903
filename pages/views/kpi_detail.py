"""One KPI's whole history: a chart of every week with its target and the team's incidents, and the values.

It lives with the pages that join rooms because the chart marks incidents (incidents/) on a KPI's
values (reports/).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from common import charts
from common.formatting import format_number
from pages.kpi_history_html import chart_incidents, history_rows, incident_items
from reports.access import can_edit_team
from reports.comparison import format_value, kpi_history
from reports.models import KPI


@require_safe
@login_required
def kpi_detail(request, pk: int):
    # Every logged-in user reads every KPI, so the object lookup is the whole access check.
    kpi = get_object_or_404(KPI.objects.select_related("team"), pk=pk)
    rows = kpi_history(kpi)
    # The team's incidents over the weeks the chart spans: one query, bounded by the KPI's history.
    incidents = chart_incidents(kpi, rows[0].week, rows[-1].week) if rows else []
    suffix = "%" if kpi.is_percent else kpi.unit_label
    chart = charts.line_chart(
        [(str(row.week), row.value.value) for row in rows if row.value.value is not None],
        target=kpi.target,
        value_label=lambda value: format_value(kpi, value),
        tick_label=lambda value, places: f"{format_number(value, places)}{suffix}",
        title=kpi.name,
        markers=[(str(incident.week), incident.grade, incident.title) for incident in incidents],
    )
    newest_first = list(reversed(rows))
    return render(
        request,
        "reports/kpi_detail.html",
        {
            "kpi": kpi,
            "rows": newest_first,
            "history_rows": history_rows(kpi, newest_first),
            "incident_items": incident_items(kpi, incidents),
            "chart": chart,
            "latest": rows[-1] if rows else None,
            "incidents": incidents,
            "can_edit_aliases": can_edit_team(request.user, kpi.team),
        },
    )
