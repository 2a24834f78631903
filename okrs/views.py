"""The OKR list: key results of every team with one week's progress, change and status; exports."""

from django.utils.translation import gettext_lazy as _

from common.lists.views import FilteredListView
from okrs.filtersets import KeyResultFilterSet
from okrs.services import key_results_base
from okrs.tables import KeyResultTable


class KeyResultListView(FilteredListView):
    """Every logged-in user reads every team's OKRs."""

    template_name = "okrs/okr_list.html"
    filterset_class = KeyResultFilterSet
    table_class = KeyResultTable
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
