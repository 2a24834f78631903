"""The department overview shows the most important rows of its long lists, with the full count linked."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from bench.generator import LAST_WEEK
from pages.dashboards import OVERVIEW_LIST_LIMIT, department_week


@pytest.fixture
def department(db):
    # 3 teams of 40 KPIs and 20 key results: more rows than the overview shows.
    call_command("seed_bench", scale=10, weeks=6, force=True, stdout=StringIO())


def test_attention_list_is_capped_biggest_moves_first_with_the_full_count(department):
    overview = department_week(LAST_WEEK)
    assert overview.attention_total > OVERVIEW_LIST_LIMIT
    assert len(overview.attention) == OVERVIEW_LIST_LIMIT
    magnitudes = [row.change.magnitude for row in overview.attention]
    assert magnitudes == sorted(magnitudes, reverse=True)


def test_okr_lists_are_capped_with_their_full_counts(department):
    overview = department_week(LAST_WEEK)
    for rows, total in (
        (overview.okr_moved, overview.okr_moved_total),
        (overview.okr_stalled, overview.okr_stalled_total),
        (overview.okr_overdue, overview.okr_overdue_total),
    ):
        assert len(rows) == min(total, OVERVIEW_LIST_LIMIT)
    assert overview.okr_moved_total > OVERVIEW_LIST_LIMIT
    deltas = [abs(row.delta) for row in overview.okr_moved]
    assert deltas == sorted(deltas, reverse=True)


def test_overview_links_the_full_count_to_the_filtered_kpi_list(department, client_for, manager):
    overview = department_week(LAST_WEEK)
    response = client_for(manager).get(reverse("department-week", kwargs={"week": LAST_WEEK}))
    assert response.status_code == 200
    html = response.content.decode()
    link = f'href="{reverse("kpi-list")}?week={LAST_WEEK}&amp;worse=true" class="badge badge-worse">'
    assert f"{link}{overview.attention_total}</a>" in html
    assert html.count('data-kpi="') < 2 * OVERVIEW_LIST_LIMIT + 3 * 4 + 2 * 5
