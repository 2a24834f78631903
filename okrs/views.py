"""The OKR list: key results of every team with one week's progress, change and status; exports."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from okrs.filtersets import KeyResultFilterSet
from okrs.services import key_results_base
from okrs.tables import KeyResultTable
from reports.exports import ListExportMixin

PAGE_SIZE = 50


@method_decorator(require_GET, name="dispatch")
class KeyResultListView(LoginRequiredMixin, ListExportMixin, SingleTableMixin, FilterView):
    """Every logged-in user reads every team's OKRs."""

    template_name = "okrs/okr_list.html"
    filterset_class = KeyResultFilterSet
    table_class = KeyResultTable
    # The table paginates (a bad ?page= falls back to a real page); ListView's own pager would 404.
    table_pagination = {"per_page": PAGE_SIZE}
    export_name = "okrs"

    def get_queryset(self):
        return key_results_base()

    def get_table_kwargs(self):
        return {"week": self.filterset.selected_week}

    def get_export_name(self):
        week = self.filterset.selected_week
        return f"{self.export_name}-{week}" if week else self.export_name

    def get_export_title(self):
        return str(_("OKRs"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["selected_week"] = self.filterset.selected_week
        return context


okr_list = KeyResultListView.as_view()
