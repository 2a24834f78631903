"""One KPI's whole history: a chart of every week and the table of values, newest first."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from common import charts
from reports.comparison import format_value, kpi_history
from reports.models import KPI


@require_GET
@login_required
def kpi_detail(request, pk: int):
    # Every logged-in user reads every KPI, so the object lookup is the whole access check.
    kpi = get_object_or_404(KPI.objects.select_related("team"), pk=pk)
    rows = kpi_history(kpi)
    chart = charts.line_chart(
        [(str(row.week), row.value.value) for row in rows],
        target=kpi.target,
        value_label=lambda value: format_value(kpi, value),
        title=kpi.name,
    )
    return render(
        request,
        "reports/kpi_detail.html",
        {"kpi": kpi, "rows": list(reversed(rows)), "chart": chart, "latest": rows[-1] if rows else None},
    )
