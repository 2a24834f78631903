"""The OKR list: key results of every team with one week's progress, change and status; exports."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.lists.views import FilteredListView
from common.quarters import Quarter
from common.weeks import IsoWeek
from okrs.filtersets import KeyResultFilterSet, QuarterFilterSet
from okrs.quarter import key_results_in
from okrs.services import key_results_base, week_values
from okrs.tables import KeyResultTable, QuarterTable


class KeyResultListView(FilteredListView):
    """Every logged-in user reads every team's OKRs."""

    template_name = "okrs/okr_list.html"
    filterset_class = KeyResultFilterSet
    table_class = KeyResultTable
    export_name = "okrs"

    def get_queryset(self):
        return key_results_base()

    def get_table_pagination(self, table):
        # A team's board, and a small department's, is one page: its rows are its count (no COUNT query).
        return {**super().get_table_pagination(table), "reads_first_page": True}

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["all_week_fields"] = self.requested_export_format() is not None
        return kwargs

    def get_table_kwargs(self):
        return {"week": self.filterset.selected_week}

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        # The shown rows' week, read after paginating from one indexed query, not seven correlated
        # subqueries compiled into the row count and the page (okrs/services.py). The records, not the
        # rows: each BoundRow made takes a number from the table's odd/even counter.
        week_values(table.paginated_rows.data, table.week)
        return table

    def get_export_name(self):
        week = self.filterset.selected_week
        return f"{self.export_name}-{week}" if week else self.export_name

    def get_export_title(self):
        return str(_("OKRs"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["selected_week"] = self.filterset.selected_week
        week = self.filterset.selected_week or IsoWeek.from_date(timezone.localdate())
        context["quarter"] = Quarter.of_week(week)
        return context


okr_list = KeyResultListView.as_view()


class QuarterView(FilteredListView):
    """One quarter of every team's key results: progress lines, pace to the ETA, final figures; exports."""

    template_name = "okrs/okr_quarter.html"
    filterset_class = QuarterFilterSet
    table_class = QuarterTable

    @property
    def quarter(self) -> Quarter:
        return self.kwargs["quarter"]

    def get_queryset(self):
        return key_results_in(self.quarter)

    def get_table_kwargs(self):
        return {"quarter": self.quarter, "today": timezone.localdate()}

    def get_export_name(self):
        return f"okrs-{self.quarter}"

    def get_export_title(self):
        return str(_("OKRs %(quarter)s") % {"quarter": self.quarter})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        weeks = self.quarter.weeks()
        context.update(
            quarter=self.quarter,
            previous_quarter=self.quarter.previous(),
            next_quarter=self.quarter.next(),
            first_week=weeks[0],
            last_week=weeks[-1],
        )
        return context


okr_quarter = QuarterView.as_view()
