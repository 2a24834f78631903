"""The KPI values list: every KPI's value per week beside last week's, filtered, sorted, exported."""

from django.utils.translation import gettext_lazy as _

from common.lists.views import FilteredListView
from reports import exports
from reports.filtersets import KPIValueFilterSet, kpi_values_with_comparison
from reports.tables import KPIValueTable


class KPIValueListView(FilteredListView):
    """Every logged-in user reads every team's KPIs; the page is one query whatever the rows."""

    template_name = "reports/kpi_list.html"
    filterset_class = KPIValueFilterSet
    table_class = KPIValueTable
    export_name = "kpi-values"

    def get_queryset(self):
        return kpi_values_with_comparison()

    def get_table_pagination(self, table):
        # Each row joins its KPI and team and looks up last week's value: read for the page's rows only.
        return {**super().get_table_pagination(table), "keys_first": True}

    def export_csv_rows(self, table, queryset):
        return exports.csv_rows(table, queryset) if exports.handles(table) else None

    def get_export_name(self):
        week = self.filterset.form.cleaned_data.get("week") if self.filterset.is_valid() else None
        return f"{self.export_name}-{week}" if week else self.export_name

    def get_export_title(self):
        return str(_("KPI values"))


kpi_list = KPIValueListView.as_view()
