"""A list that reads its page by keys first (the KPI values) pages exactly as one sorted list cut in pages.

The page's keys come from a subquery and its rows from a second, outer query (common/lists/pagination.py
`_read_by_keys`): both must sort alike, ties included, or a page would repeat or skip a row.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.lists.views import FilteredListView
from reports.models import KPI, KPIValue
from reports.views.kpis import KPIValueListView
from tests.factories import make_kpi, make_value

URL = reverse("kpi-list")
PER_PAGE = 4
SORTS = [
    "",
    "team",
    "-team",
    "kpi",
    "-kpi",
    "week",
    "-week",
    "value",
    "-value",
    "previous_value",
    "-previous_value",
    "change",
    "-change",
    "relative_change",
    "-relative_change",
    "direction",
]


@pytest.fixture
def history(team, other_team):
    """Two teams' KPIs over four weeks, with equal values, gaps and first weeks, so sorts have ties."""
    for owner in (team, other_team):
        for number, direction in enumerate(KPI.Direction.values):
            kpi = make_kpi(owner, f"K{number}", direction=direction)
            for week, value in (("2024-W30", 5), ("2024-W31", 5), ("2024-W33", number), ("2024-W34", 7)):
                if (number + int(week[-1])) % 5:
                    make_value(kpi, week, value)


def page_pks(client, params: dict, page: int, per_page: int) -> tuple[list[int], bool]:
    response = client.get(URL, {**params, "page": page, "per_page": per_page})
    assert response.status_code == 200
    table = response.context["table"]
    return [row.record.pk for row in table.paginated_rows], table.page.has_next()


def every_page(client, params: dict) -> list[list[int]]:
    pages, number, more = [], 1, True
    while more:
        rows, more = page_pks(client, params, number, PER_PAGE)
        pages.append(rows)
        number += 1
    return pages


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("filters", [{}, {"team": "other"}, {"change": "worse"}, {"week": "2024-W33"}])
def test_pages_are_the_whole_sorted_list_cut_in_pages(client_for, member, history, other_team, sort, filters):
    client = client_for(member)
    params = {**filters, "sort": sort}
    if filters.get("team"):
        params["team"] = other_team.slug
    whole, has_more = page_pks(client, params, 1, 200)
    assert not has_more
    pages = every_page(client, params)
    assert [pk for page in pages for pk in page] == whole
    assert all(len(page) == PER_PAGE for page in pages[:-1])
    assert len(set(whole)) == len(whole)
    expected = KPIValue.objects.all()
    if filters.get("team"):
        expected = expected.filter(kpi__team=other_team)
    if filters.get("week"):
        expected = expected.filter(week__year=2024, week__number=33)
    if not filters.get("change"):
        assert sorted(whole) == sorted(expected.values_list("pk", flat=True))


def test_a_page_read_by_keys_is_the_page_a_plain_slice_reads(client_for, member, history, monkeypatch):
    """The default order is total (newest week, then newest row): both ways read the same rows in order."""
    client = client_for(member)
    by_keys = every_page(client, {})
    monkeypatch.setattr(KPIValueListView, "get_table_pagination", FilteredListView.get_table_pagination)
    assert every_page(client, {}) == by_keys
    assert len(by_keys) > 3


def test_a_page_past_the_end_reads_the_last_page(client_for, member, history):
    client = client_for(member)
    pages = every_page(client, {"sort": "team"})
    assert page_pks(client, {"sort": "team"}, 999, PER_PAGE)[0] == pages[-1]


@pytest.mark.parametrize("sort", ["team", "-team", "direction"])
def test_ties_fall_in_the_order_of_their_keys(client_for, member, history, sort):
    """A sort that leaves ties (a team's rows) orders them by key, on every database alike.

    Upwards or downwards: the table's own sort may already end with the key (its default, newest first).
    """
    whole, _more = page_pks(client_for(member), {"sort": sort}, 1, 200)
    values = KPIValue.objects.select_related("kpi__team").in_bulk(whole)
    column = {
        "team": lambda value: (value.kpi.team.position, value.kpi.team.name),
        "direction": lambda value: value.kpi.direction,
    }[sort.lstrip("-")]
    groups: dict = {}
    for pk in whole:
        groups.setdefault(column(values[pk]), []).append(pk)
    assert all(pks in (sorted(pks), sorted(pks, reverse=True)) for pks in groups.values())
    assert len(groups) > 1
