"""The list-page pipeline every list shares: FilterView → Table → pagination → ?_export=csv|xlsx."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from common.lists.exports import ListExportMixin
from common.lists.pagination import DEFAULT_PER_PAGE, CappedCountPaginator

PAGE_SIZE = DEFAULT_PER_PAGE


@method_decorator(require_safe, name="dispatch")
class FilteredListView(LoginRequiredMixin, ListExportMixin, SingleTableMixin, FilterView):
    """Every logged-in user reads every list; subclasses name the template, filterset, table and export."""

    # The table paginates (a bad ?page= falls back to a real page); ListView's own pager would 404.
    # Its count stops at a cap, so an unfiltered list costs the same at 20k rows as at 600k.
    table_pagination = {"per_page": PAGE_SIZE, "paginator_class": CappedCountPaginator}
