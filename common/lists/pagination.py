"""A paginator whose row count stops where the requested page no longer needs it.

The lists printed "N rows" from a `COUNT(*)` over the whole filtered set, which reads every
matching row on every page view: the unfiltered /kpis/ got 1.4–1.8× slower from 20k to 608k
values (bench/FINDINGS.md §4). Counting a LIMITed subquery lets the database stop after the cap.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Past this many rows "More than 10000 rows" tells a reader as much as the exact figure would:
# they filter instead of paging through 200 pages.
COUNT_CAP = 10_000
# SQLite and PostgreSQL refuse a LIMIT past a signed 64-bit integer (?page=99999999999999999999).
LARGEST_LIMIT = 2**63 - 1
# ?per_page= is read from the URL by django-tables2: a reader may ask for fewer rows or up to
# MAX_PER_PAGE, never for every row at once (the export is there for that).
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


class CappedCountPaginator(Paginator):
    """Django's Paginator, except that `count` counts at most `count_cap` rows, or as far as the page.

    Why not django-tables2's `LazyPaginator`: it never counts, so even a 30-row result would lose
    its "30 rows", its last-page link, and a page past the end would fall back to page 1 instead
    of the last page. Here a result below the cap behaves exactly as before; above it, the count
    stops one row past the cap or past the requested page, whichever is farther, so the page has
    its rows and knows whether a next one exists, and nothing further is read. A page beyond the
    cap (?page=300) counts as far as it reaches: its own OFFSET already reads that many rows.
    """

    def __init__(
        self, object_list, per_page, *args, count_cap=None, reads_first_page=False, keys_first=False, **kwargs
    ):
        # Zero or less would be a negative LIMIT, a database error: the default instead.
        per_page = int(per_page)
        per_page = DEFAULT_PER_PAGE if per_page < 1 else min(per_page, MAX_PER_PAGE)
        super().__init__(object_list, per_page, *args, **kwargs)
        # Read at call time, not import time, so a test can lower the module's cap.
        self.count_cap = COUNT_CAP if count_cap is None else count_cap
        self.horizon = self.count_cap
        # Opt-in (a list whose page 1 is usually its whole result, the OKR board): page 1 reads its rows
        # and one more before counting. When that is every row, their number is the count and no COUNT
        # query is compiled or sent; otherwise the rows read are still the page's. Off, a page reads as
        # Django's Paginator does (the other lists' query counts are pinned by their tests).
        self.reads_first_page = reads_first_page
        # Opt-in (a list whose rows are wide or computed, the KPI values): a page picks its rows' keys
        # first, sorting and filtering on the few columns that needs, then reads those rows only, where
        # the plain slice joined and built every row that the sort had to look at (`_read_by_keys`).
        # Only for a query without duplicate rows: the keys' IN would keep one of each.
        self.keys_first = keys_first

    def page(self, number):
        # Here, not in validate_number: Page.next_page_number validates too, and must not recount.
        try:
            requested = int(number)
        except (TypeError, ValueError):
            pass  # the parent raises PageNotAnInteger
        else:
            self._reach(requested)
            if requested == 1 and self.reads_first_page and (rows := self._read_first_page()) is not None:
                return self._first_page(rows)
            if self.keys_first and (queryset := self._queryset()) is not None:
                return self._page_read_by_keys(queryset, number)
        return super().page(number)

    def _page_read_by_keys(self, queryset: QuerySet, number):
        # Django's Paginator.page, with the rows read by `_read_by_keys` instead of a plain slice.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._as_page_rows(_read_by_keys(queryset, bottom, top)), number, self)

    def _read_first_page(self) -> list | None:
        """Page 1's rows and the one after them; the count too when that is every row."""
        queryset = self._queryset()
        if queryset is None or "count" in self.__dict__:
            return None
        first = self.per_page + self.orphans
        rows = list(queryset[: first + 1])
        if len(rows) <= first:
            self.__dict__["count"] = min(len(rows), self.horizon + 1)
        return rows

    def _first_page(self, rows: list):
        # Django's Paginator.page(1), with the rows already read in place of a second query for them.
        self.validate_number(1)
        top = self.count if self.per_page + self.orphans >= self.count else self.per_page
        return self._get_page(self._as_page_rows(rows[:top]), 1, self)

    def _as_page_rows(self, rows: list):
        object_list = self.object_list
        if isinstance(object_list, QuerySet):
            return rows
        # django-tables2's BoundRows: the same rows of the same table, over the records read.
        return type(object_list)(rows, table=object_list.table, pinned_data=object_list.pinned_data)

    def _reach(self, number: int) -> None:
        needed = number * self.per_page + self.orphans
        if needed <= self.horizon:
            return
        if "count" in self.__dict__ and self.count_is_exact:
            return
        self.horizon = needed
        # The parent's num_pages and page_range are cached from count: drop them with it.
        for name in ("count", "num_pages", "page_range"):
            self.__dict__.pop(name, None)

    @cached_property
    def count(self):
        """The rows known to exist: exact up to `horizon`, `horizon + 1` when there are more."""
        limit = self.horizon + 1
        queryset = self._queryset()
        if queryset is None:
            return min(len(self.object_list), limit)
        # order_by(): with an ORDER BY the database would sort every row before the LIMIT.
        # values("pk"): counting needs no per-row annotation (the KPI list's previous-value subquery).
        counted = queryset.order_by().values("pk")
        if limit <= LARGEST_LIMIT:
            counted = counted[:limit]
        return counted.count()

    @property
    def count_is_exact(self) -> bool:
        return self.count <= self.horizon

    def _queryset(self) -> QuerySet | None:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows
        # django-tables2 paginates its BoundRows, whose TableQuerysetData holds the sorted queryset.
        data = getattr(getattr(rows, "data", None), "data", None)
        return data if isinstance(data, QuerySet) else None


def _read_by_keys(queryset: QuerySet, bottom: int, top: int) -> list:
    """queryset[bottom:top] in one statement that reads whole rows for that slice only.

    The slice's keys come from a subquery that selects nothing but the key, so its joins and sort
    are those the filters and the order need; the outer query then joins, annotates and builds the
    page's rows alone. On PostgreSQL at 608,400 values the unfiltered KPI list's statement joined
    the latest week's 1,200 values to their KPI and team before keeping 50: 7.8 → 3.2 ms.
    """
    if top <= bottom:
        return []
    # The key last breaks every tie (a sort by team alone): the rows the keys were picked in and the
    # rows read in must be one order, and pages must neither repeat nor skip a row.
    ordered = queryset.order_by(*(queryset.query.order_by or queryset.model._meta.ordering), "pk")
    return list(ordered.filter(pk__in=ordered.values("pk")[bottom:top]))
