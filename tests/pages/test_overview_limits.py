"""The department overview shows the most important rows of its long lists, with the full count linked."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.generator import LAST_WEEK
from pages.overview import OVERVIEW_LIST_LIMIT, department_week
from reports.models import Team
from tests.pages.test_dashboards import FIGURES_WORKED_OUT, ITEMS_READ, OVERVIEW_QUERIES, UPDATES_READ


@pytest.fixture
def department(db):
    # 3 teams of 40 KPIs and 20 key results: more rows than the overview shows.
    call_command("seed_bench", scale=10, weeks=6, force=True, stdout=StringIO())


def test_attention_list_is_capped_most_unusual_first_with_the_full_count(department):
    overview = department_week(LAST_WEEK)
    assert overview.attention_total > OVERVIEW_LIST_LIMIT
    assert len(overview.attention) == OVERVIEW_LIST_LIMIT
    keys = [row.move.rank_key for row in overview.attention if row.change.tone == "worse"]
    assert keys == sorted(keys)


def test_okr_groups_are_capped_with_their_full_counts(department):
    overview = department_week(LAST_WEEK)
    for group in overview.okr_groups:
        assert len(group.rows) == min(group.total, OVERVIEW_LIST_LIMIT)
    advanced = overview.okr_groups.advanced
    assert advanced.total > OVERVIEW_LIST_LIMIT
    deltas = [row.delta for row in advanced.rows]
    assert deltas == sorted(deltas, reverse=True)


def test_overview_links_the_full_count_to_the_filtered_kpi_list(department, client_for, manager):
    overview = department_week(LAST_WEEK)
    response = client_for(manager).get(reverse("department-week", kwargs={"week": LAST_WEEK}))
    assert response.status_code == 200
    html = response.content.decode()
    link = f'href="{reverse("kpi-list")}?week={LAST_WEEK}&amp;change=attention" class="badge badge-worse">'
    assert f"{link}{overview.attention_total}</a>" in html
    assert html.count('data-kpi="') < 2 * OVERVIEW_LIST_LIMIT + 3 * 4 + 2 * 5


def test_overview_and_team_week_query_counts_are_flat_from_scale_1_to_10(db, client_for, manager):
    counts = []
    for scale in (1, 10):
        # 14 weeks: the ranking's whole look-back (this week, last week, 12 earlier changes) is filled.
        call_command("seed_bench", scale=scale, weeks=14, force=True, fresh=True, stdout=StringIO())
        client = client_for(manager)
        team = Team.objects.filter(is_active=True).first()
        measured = []
        for url in (
            reverse("department-week", kwargs={"week": LAST_WEEK}),
            reverse("team-week", kwargs={"team": team.slug, "week": LAST_WEEK}),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            measured.append(len(queries))
        counts.append(measured)
    assert counts[0] == counts[1]
    # A freshly seeded week: its ranking figures are worked out on this first view.
    assert counts[0][0] == OVERVIEW_QUERIES + FIGURES_WORKED_OUT + ITEMS_READ + UPDATES_READ
