"""The KPI values list at /kpis/: rows with last week's value, filters, sorting, pagination, query count."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from common.weeks import IsoWeek
from reports.models import KPI
from tests.factories import make_kpi, make_team, make_value

URL = reverse("kpi-list")


@pytest.fixture
def seed(team):
    """The seed's 效能度量 figures for 2024-W32 → 2024-W33, plus a lower-is-better KPI."""
    delivered = make_kpi(
        team, "需求交付数", group="效能度量", unit=KPI.Unit.COUNT, unit_label="个", position=1
    )
    throughput = make_kpi(
        team,
        "需求吞吐率",
        group="效能度量",
        unit=KPI.Unit.PERCENT,
        decimals=2,
        aliases="吞吐率",
        target="90",
        position=2,
    )
    delay = make_kpi(
        team,
        "延期率",
        group="效能度量",
        unit=KPI.Unit.PERCENT,
        decimals=2,
        direction=KPI.Direction.LOWER_IS_BETTER,
        position=3,
    )
    make_value(delivered, "2024-W32", 292)
    make_value(delivered, "2024-W33", 313)
    make_value(throughput, "2024-W32", "96.05")
    make_value(throughput, "2024-W33", "81.72", note="研发和QA都有需求积压")
    make_value(delay, "2024-W32", "3.08")
    make_value(delay, "2024-W33", "4.79", note="延期需求15个")
    return {"delivered": delivered, "throughput": throughput, "delay": delay}


def rows_of(response):
    return list(response.context["table"].paginated_rows)


def kpi_names(response):
    return [row.record.kpi.name for row in rows_of(response)]


def test_anonymous_is_sent_to_login(client, seed):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_member_sees_seed_figures_with_last_week_and_change(client_for, member, seed):
    response = client_for(member).get(URL, {"week": "2024-W33"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "需求吞吐率" in html
    assert "81.72%" in html and "96.05%" in html
    assert "\u221214.33 pp" in html
    assert "\u221214.92%" in html
    assert "+21个" in html and "+7.19%" in html
    # More delay is worse for a lower-is-better KPI, so it is red even though it went up.
    assert '<span class="tone-worse">+1.71 pp</span>' in html
    assert "2024-W33" in html


def test_first_week_of_a_kpi_shows_new_without_dividing_by_zero(client_for, member, seed):
    response = client_for(member).get(URL, {"week": "2024-W32"})
    assert response.status_code == 200
    assert response.content.decode().count('<span class="tone-new">new</span>') == 3


def test_previous_value_is_the_calendar_week_before_not_the_last_reported(client_for, member, team):
    kpi = make_kpi(team, "Gap")
    make_value(kpi, "2024-W30", 10)
    make_value(kpi, "2024-W33", 12)
    response = client_for(member).get(URL, {"week": "2024-W33"})
    (row,) = rows_of(response)
    assert row.record.previous_value is None


def test_previous_week_across_a_53_week_year(client_for, member, team):
    kpi = make_kpi(team, "Year end")
    make_value(kpi, "2020-W53", 10)
    make_value(kpi, "2021-W01", 15)
    response = client_for(member).get(URL, {"week": "2021-W01"})
    (row,) = rows_of(response)
    assert row.record.previous_value == 10


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"team": "payments"}, {"需求交付数", "需求吞吐率", "延期率"}),
        ({"group": "效能度量"}, {"需求交付数", "需求吞吐率", "延期率"}),
        ({"direction": "down"}, {"延期率"}),
        ({"change": "worse"}, {"需求吞吐率", "延期率"}),
        ({"worse": "true"}, {"需求吞吐率", "延期率"}),
        ({"change": "better"}, {"需求交付数"}),
        ({"q": "吞吐"}, {"需求吞吐率"}),
        ({"q": "积压"}, {"需求吞吐率"}),
        ({"q": "效能"}, {"需求交付数", "需求吞吐率", "延期率"}),
    ],
)
def test_filters_narrow_the_week(client_for, member, seed, other_team, params, expected):
    other = make_kpi(other_team, "Other team KPI", group="系统运行数据")
    make_value(other, "2024-W33", 5)
    response = client_for(member).get(URL, {"week": "2024-W33", **params})
    assert response.status_code == 200
    assert set(kpi_names(response)) == expected


def test_team_filter_excludes_other_teams(client_for, member, seed, other_team):
    other = make_kpi(other_team, "Other team KPI")
    make_value(other, "2024-W33", 5)
    response = client_for(member).get(URL, {"team": "risk"})
    assert kpi_names(response) == ["Other team KPI"]


def test_better_without_week_needs_last_weeks_value(client_for, member, seed):
    response = client_for(member).get(URL, {"change": "better"})
    # W32 values have nothing to compare with, so they are neither; W33's delivered is better.
    assert Counter(kpi_names(response)) == Counter({"需求交付数": 1})


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"week": "2024-W99"}, "week"),
        ({"week": "banana"}, "week"),
        ({"week": "2024-33"}, "week"),
        ({"team": "no-such-team"}, "team"),
        ({"direction": "sideways"}, "direction"),
        ({"change": "maybe"}, "change"),
        ({"group": "nope"}, "group"),
    ],
)
def test_bad_filter_values_show_an_error_on_the_form(client_for, member, seed, params, field):
    response = client_for(member).get(URL, params)
    assert response.status_code == 200
    form = response.context["filter"].form
    assert field in form.errors
    assert rows_of(response) == []
    assert 'class="errorlist"' in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("change", "需求吞吐率"),
        ("-change", "需求交付数"),
        ("relative_change", "需求吞吐率"),
        ("-relative_change", "延期率"),
        ("kpi", "延期率"),
        ("-value", "需求交付数"),
        ("previous_value", "延期率"),
    ],
)
def test_sorting_on_annotated_columns(client_for, member, seed, sort, first):
    response = client_for(member).get(URL, {"week": "2024-W33", "sort": sort})
    assert response.status_code == 200
    assert kpi_names(response)[0] == first


def test_sorting_keeps_rows_without_a_comparison_last(client_for, member, seed):
    for sort in ("change", "-change"):
        response = client_for(member).get(URL, {"sort": sort})
        names = [(row.record.week.iso, row.record.previous_value) for row in rows_of(response)]
        assert [previous for _, previous in names][-3:] == [None, None, None]


@pytest.mark.parametrize("sort", ["nonsense", "-", "note", "__class__", "change,value"])
def test_bogus_sort_is_ignored(client_for, member, seed, sort):
    response = client_for(member).get(URL, {"sort": sort})
    assert response.status_code == 200
    assert len(rows_of(response)) == 6


@pytest.mark.parametrize("page", ["999", "abc", "0", "-1", ""])
def test_bad_page_numbers_do_not_fail(client_for, member, seed, page):
    response = client_for(member).get(URL, {"page": page})
    assert response.status_code == 200
    assert len(rows_of(response)) == 6


def test_pagination_splits_fifty_rows_per_page(client_for, member, team):
    kpis = [make_kpi(team, f"K{number:02d}") for number in range(26)]
    for kpi in kpis:
        make_value(kpi, "2024-W32", 1)
        make_value(kpi, "2024-W33", 2)
    client = client_for(member)
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    assert len(rows_of(first)) == 50
    assert len(rows_of(second)) == 2
    assert {row.record.pk for row in rows_of(first)}.isdisjoint({row.record.pk for row in rows_of(second)})


def test_post_is_not_allowed(client_for, member, seed):
    assert client_for(member).post(URL).status_code == 405


def add_history(teams: int, kpis_per_team: int, weeks: int):
    for _ in range(teams):
        team = make_team()
        for position in range(kpis_per_team):
            kpi = make_kpi(team, unit=KPI.Unit.PERCENT, decimals=2, position=position, target="50")
            for offset in range(weeks):
                make_value(kpi, IsoWeek(2024, 33).shifted(-offset), 40 + offset)


def page_queries(client, django_assert_num_queries, count):
    with django_assert_num_queries(count):
        response = client.get(URL)
        assert response.status_code == 200
    return response


# Session, user, row count, the page of rows, team choices, group choices.
QUERIES = 6


def test_query_count_does_not_grow_with_history(client_for, member, django_assert_num_queries):
    client = client_for(member)
    add_history(teams=1, kpis_per_team=2, weeks=2)
    page_queries(client, django_assert_num_queries, QUERIES)
    add_history(teams=10, kpis_per_team=4, weeks=5)
    response = page_queries(client, django_assert_num_queries, QUERIES)
    assert len(rows_of(response)) == 50
