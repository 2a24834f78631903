"""The KPI values list: every KPI's value per week beside last week's, filtered, sorted, exported."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from reports.exports import ListExportMixin
from reports.filtersets import KPIValueFilterSet, kpi_values_with_comparison
from reports.tables import KPIValueTable

PAGE_SIZE = 50


@method_decorator(require_GET, name="dispatch")
class KPIValueListView(LoginRequiredMixin, ListExportMixin, SingleTableMixin, FilterView):
    """Every logged-in user reads every team's KPIs; the page is one query whatever the rows."""

    template_name = "reports/kpi_list.html"
    filterset_class = KPIValueFilterSet
    table_class = KPIValueTable
    # The table paginates (a bad ?page= falls back to a real page); ListView's own pager would 404.
    table_pagination = {"per_page": PAGE_SIZE}
    export_name = "kpi-values"

    def get_queryset(self):
        return kpi_values_with_comparison()

    def get_export_name(self):
        week = self.filterset.form.cleaned_data.get("week") if self.filterset.is_valid() else None
        return f"{self.export_name}-{week}" if week else self.export_name

    def get_export_title(self):
        return str(_("KPI values"))


kpi_list = KPIValueListView.as_view()
