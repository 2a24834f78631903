"""List endpoints: query counts pinned and the same at 1× and 10× the data; filters; cursor pages."""

from __future__ import annotations

import pytest

from common.weeks import IsoWeek
from tests.api.conftest import ApiClient, issue
from tests.factories import (
    make_incident,
    make_key_result,
    make_kpi,
    make_objective,
    make_team,
    make_update,
    make_value,
    make_week,
)

pytestmark = pytest.mark.django_db

# Token lookup, the list's rows, and the prefetch of incident actions; sessions are not touched.
PINNED = {
    "/api/v1/teams/": 2,
    "/api/v1/weeks/": 2,
    "/api/v1/kpis/": 2,
    "/api/v1/kpi-values/": 2,
    "/api/v1/objectives/": 2,
    "/api/v1/key-results/": 2,
    "/api/v1/key-result-updates/": 2,
    "/api/v1/incidents/": 3,
}


def _grow(team, scale: int, offset: int):
    objective = make_objective(team, code=f"O{offset}")
    for index in range(scale):
        make_team()
        make_week(IsoWeek(2000 + offset, index + 1))
        kpi = make_kpi(team, f"KPI {offset}-{index}", unit="percent", decimals=2)
        key_result = make_key_result(objective)
        for week in range(3):
            iso = IsoWeek(2024, 30 + week)
            make_value(kpi, iso, 90 + week)
            make_update(key_result, iso, 10 * week)
        make_incident(team)


@pytest.mark.parametrize("url", list(PINNED))
def test_list_query_count_is_pinned_and_flat(url, team, lead, django_assert_num_queries):
    client = ApiClient(issue(lead))
    client.get("/api/v1/teams/")  # records the token's first use, a write of its own
    counts = []
    for scale, offset in ((1, 1), (9, 2)):  # 1x, then 10x in total
        _grow(team, scale, offset)
        with django_assert_num_queries(PINNED[url]):
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(response.json()["results"]))
    assert counts[1] > counts[0]


def test_kpi_values_filter_by_team_kpi_and_week_range(world, lead):
    client = ApiClient(issue(lead))
    rows = client.get(f"/api/v1/kpi-values/?team=payments&kpi={world['bugs'].pk}&week_from=2024-W33").json()
    assert [(row["week"], row["value"]) for row in rows["results"]] == [("2024-W33", "10")]
    assert rows["results"][0]["comparison"]["absolute"] == "-2"
    assert rows["results"][0]["comparison"]["tone"] == "better"
    assert len(client.get("/api/v1/kpi-values/?week_to=2024-W32").json()["results"]) == 2


def test_bad_filter_is_a_400_naming_it(world, lead):
    response = ApiClient(issue(lead)).get("/api/v1/kpi-values/?week=2024-W99")
    assert response.status_code == 400
    assert "week" in response.json()["errors"]


def test_cursor_pages_walk_every_row_once(world, lead):
    client = ApiClient(issue(lead))
    seen, url = [], "/api/v1/kpi-values/?page_size=1"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 3


def test_team_week_document_has_kpis_key_results_incidents_and_etag(world, lead):
    response = ApiClient(issue(lead)).get("/api/v1/teams/payments/weeks/2024-W33/")
    assert response.status_code == 200 and response["ETag"] == '"0"'
    document = response.json()
    bugs = next(row for row in document["kpis"] if row["name"] == "线上bug")
    assert bugs["value"] == "10" and bugs["comparison"]["previous"] == "12"
    assert document["key_results"][0]["percent"] == "80"
    assert document["incidents"][0]["started_at"] == "2024-08-12T09:27:00+08:00"
