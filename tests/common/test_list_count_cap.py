"""List pages count at most a cap of rows: above it they say "More than N rows" and still page through all."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from common.lists import pagination
from common.lists.views import FilteredListView
from reports.models import KPI, KPIValue
from tests.factories import make_incident, make_key_result, make_kpi, make_objective, make_value, make_week
from tests.reports.test_kpi_list import QUERIES as KPI_LIST_QUERIES

URL = reverse("kpi-list")
CAP = 5
PER_PAGE = 5


@pytest.fixture
def small_pages(monkeypatch):
    """A cap of 5 and pages of 5, so a dozen rows are three pages, two of them past the cap."""
    monkeypatch.setattr(pagination, "COUNT_CAP", CAP)
    monkeypatch.setattr(
        FilteredListView, "table_pagination", {**FilteredListView.table_pagination, "per_page": PER_PAGE}
    )


def add_values(team, count: int) -> None:
    """`count` KPI values over two weeks, so the pages cut across weeks and KPIs."""
    kpis = [make_kpi(team, f"K{number:02d}") for number in range((count + 1) // 2)]
    weeks = ["2024-W33", "2024-W32"]
    for number in range(count):
        make_value(kpis[number // 2], weeks[number % 2], number)


def row_pks(response) -> list[int]:
    return [row.record.pk for row in response.context["table"].paginated_rows]


def result_count(response) -> str:
    return re.search(r'<p class="muted result-count">(.*?)</p>', response.content.decode()).group(1)


@pytest.fixture
def dozen(team, small_pages):
    add_values(team, 12)


def test_above_the_cap_the_page_says_more_than_the_cap(client_for, member, dozen):
    response = client_for(member).get(URL)
    assert response.status_code == 200
    assert result_count(response) == "More than 5 rows"
    assert response.context["table"].paginator.count_is_exact is False
    assert 'rel="next"' in response.content.decode()


def test_every_page_past_the_cap_is_reachable_without_repeats_or_gaps(client_for, member, dozen, monkeypatch):
    client = client_for(member)
    pages = [client.get(URL, {"page": number}) for number in (1, 2, 3)]
    assert [response.context["table"].page.number for response in pages] == [1, 2, 3]
    assert [len(row_pks(response)) for response in pages] == [5, 5, 2]
    # Each page counts only as far as it needs, and says no more than it knows.
    assert [result_count(response) for response in pages] == [
        "More than 5 rows",
        "More than 10 rows",
        "12 rows",
    ]
    assert ['rel="next"' in response.content.decode() for response in pages] == [True, True, False]
    paged = [pk for response in pages for pk in row_pks(response)]

    monkeypatch.setattr(pagination, "COUNT_CAP", 100)
    monkeypatch.setattr(
        FilteredListView, "table_pagination", {**FilteredListView.table_pagination, "per_page": 50}
    )
    whole = client.get(URL)
    assert result_count(whole) == "12 rows"
    assert paged == row_pks(whole)


def test_second_page_links_every_page_it_knows(client_for, member, dozen):
    html = client_for(member).get(URL, {"page": 2}).content.decode()
    assert re.findall(r'href="\?page=(\d+)"', html) == ["1", "1", "2", "3", "3"]
    assert "<li><span>…</span></li>" in html


@pytest.mark.parametrize("page", ["4", "99", "100000", "99999999999999999999"])
def test_a_page_past_the_end_falls_back_to_the_last_page(client_for, member, dozen, page):
    response = client_for(member).get(URL, {"page": page})
    assert response.status_code == 200
    assert response.context["table"].page.number == 3
    assert len(row_pks(response)) == 2
    assert result_count(response) == "12 rows"


@pytest.mark.parametrize("page", ["0", "-1", "abc", ""])
def test_nonsense_pages_show_a_real_page(client_for, member, dozen, page):
    response = client_for(member).get(URL, {"page": page})
    assert response.status_code == 200
    assert len(row_pks(response)) == PER_PAGE


@pytest.mark.parametrize(
    ("rows", "label"),
    [(1, "1 row"), (4, "4 rows"), (5, "5 rows"), (6, "More than 5 rows")],
)
def test_up_to_the_cap_the_count_is_exact(client_for, member, team, small_pages, rows, label):
    add_values(team, rows)
    response = client_for(member).get(URL)
    assert result_count(response) == label
    # The pager marks an uncounted tail only when there is one.
    assert ("<li><span>…</span></li>" in response.content.decode()) == label.startswith("More than")


def test_the_count_query_has_a_limit_and_no_order(client_for, member, dozen):
    client = client_for(member)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    (count,) = [
        query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(")
    ]
    # Past the cap the database stops at row cap + 1, and it need not sort what it only counts.
    assert re.search(rf"\bLIMIT {CAP + 1}\b", count)
    assert "ORDER BY" not in count


@pytest.mark.parametrize("page", ["1", "3", "99"])
def test_query_count_is_the_same_on_every_page(client_for, member, dozen, django_assert_num_queries, page):
    client = client_for(member)
    with django_assert_num_queries(KPI_LIST_QUERIES):
        assert client.get(URL, {"page": page}).status_code == 200


@pytest.mark.parametrize(
    ("url", "add_rows"),
    [
        (reverse("incident-list"), lambda team: [make_incident(team) for _ in range(CAP + 1)]),
        (
            reverse("okr-list"),
            lambda team: [make_key_result(make_objective(team, code=f"O{n}")) for n in range(CAP + 1)],
        ),
    ],
)
def test_every_list_page_caps_its_count(client_for, member, team, small_pages, url, add_rows):
    add_rows(team)
    response = client_for(member).get(url)
    assert response.status_code == 200
    assert result_count(response) == "More than 5 rows"


def test_exports_still_hold_every_row(client_for, member, dozen):
    response = client_for(member).get(URL, {"_export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(body)))) == 1 + 12


def test_more_than_is_translated_to_chinese(client_for, member, dozen):
    response = client_for(member).get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert result_count(response) == "超过 5 行"
    # Through variables, so makemessages does not list this test as a source of the string.
    singular, plural = "More than %(shown)s row", "More than %(shown)s rows"
    with translation.override("zh-hans"):
        assert translation.ngettext(singular, plural, 1) % {"shown": "1"} == "超过 1 行"
        assert translation.ngettext(singular, plural, 10000) % {"shown": "10,000"} == "超过 10,000 行"


@pytest.mark.parametrize(
    ("cap", "english", "chinese"),
    # Each language's own convention: Django's Chinese format writes no thousands separator.
    [(2000, "1,001 rows", "共 1001 行"), (1000, "More than 1,000 rows", "超过 1000 行")],
    ids=["exact", "past-the-cap"],
)
def test_counts_are_written_as_the_language_writes_numbers(
    client_for, member, team, monkeypatch, cap, english, chinese
):
    monkeypatch.setattr(pagination, "COUNT_CAP", cap)
    week = make_week("2024-W33")
    kpis = KPI.objects.bulk_create(KPI(team=team, name=f"K{number:04d}") for number in range(1001))
    KPIValue.objects.bulk_create(KPIValue(kpi=kpi, week=week, value=Decimal(1)) for kpi in kpis)
    client = client_for(member)
    assert result_count(client.get(URL)) == english
    assert result_count(client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")) == chinese


@pytest.mark.parametrize(
    ("items", "label", "counted"),
    [
        (0, "0 rows", False),
        (4, "4 rows", False),
        (5, "5 rows", False),
        (6, "More than 5 rows", True),
        (11, "More than 5 rows", True),
    ],
)
def test_a_list_reading_its_first_page_counts_only_past_it(
    client_for, member, team, small_pages, items, label, counted
):
    for number in range(items):
        make_key_result(make_objective(team, code=f"O{number:02d}"), title=f"item {number:02d}")
    client = client_for(member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("okr-list"))
    assert result_count(response) == label
    assert any(query["sql"].startswith("SELECT COUNT(") for query in queries.captured_queries) is counted
    shown = [row.record.title for row in response.context["table"].paginated_rows]
    assert shown == [f"item {number:02d}" for number in range(min(items, PER_PAGE))]
    if items > PER_PAGE:
        # The next pages read as every list's do, and together they hold every row once.
        rest = [
            row.record.title
            for page in range(2, (items + PER_PAGE - 1) // PER_PAGE + 1)
            for row in client.get(reverse("okr-list"), {"page": page}).context["table"].paginated_rows
        ]
        assert shown + rest == [f"item {number:02d}" for number in range(items)]
