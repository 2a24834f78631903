"""The query parameters the libraries read, not only the filters the app declares.

django-tables2 reads `page`, `per_page` and `sort`, the export mixin `_export`, Django's i18n view
`language` and `next`. None of them may give a 500; `per_page` stops at its stated maximum; an unknown
sort or a bad page falls back quietly to the default order or a real page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from common.lists.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE
from reports.models import KPI, KPIValue, Week
from tests.factories import make_incident, make_key_result, make_kpi, make_objective, make_update, make_value
from tests.security.fuzz import FUZZ, HOSTILE, hostile

pytestmark = pytest.mark.django_db

LISTS = ["kpi-list", "okr-list", "incident-list"]
ROWS = MAX_PER_PAGE + 30
LIBRARY_PARAMS = ["page", "per_page", "sort", "_export", "language", "next"]
NUMBERS = [
    "-1", "0", "1", "-0", "+5", " 7", "1.5", "1e3", "1e999", "abc", "", "99999999999999999999",
    "-99999999999999999999", str(MAX_PER_PAGE), str(MAX_PER_PAGE + 1), "100000", "\x00", "٣",
]  # fmt: skip


@pytest.fixture
def many_values(team):
    """More KPI values than the largest page holds, so a limit that does not hold shows."""
    kpi = make_kpi(team, "需求交付数")
    make_value(kpi, "2024-W33", 1)
    week = Week.objects.get()
    kpis = KPI.objects.bulk_create(KPI(team=team, name=f"K{number:03d}") for number in range(ROWS))
    KPIValue.objects.bulk_create(
        KPIValue(kpi=kpi, week=week, value=number) for number, kpi in enumerate(kpis)
    )


@pytest.fixture
def world(team, many_values):
    make_update(make_key_result(make_objective(team, "O1")), "2024-W33", 80)
    make_incident(team)


def _rows(response) -> int:
    return len(response.context["table"].page.object_list)


@pytest.mark.parametrize("per_page", NUMBERS)
def test_per_page_never_fails_and_never_passes_the_maximum(client_for, member, many_values, per_page):
    response = client_for(member).get(reverse("kpi-list"), {"per_page": per_page})
    assert response.status_code == 200
    assert 1 <= _rows(response) <= MAX_PER_PAGE


def test_per_page_is_honoured_within_its_range_and_capped_above_it(client_for, member, many_values):
    client = client_for(member)
    assert _rows(client.get(reverse("kpi-list"), {"per_page": "10"})) == 10
    assert _rows(client.get(reverse("kpi-list"), {"per_page": "100000"})) == MAX_PER_PAGE
    assert _rows(client.get(reverse("kpi-list"), {"per_page": "-1"})) == DEFAULT_PER_PAGE
    # django-tables2 reads 0 as "its own default" (25) before the paginator sees it: still a real page.
    assert 1 <= _rows(client.get(reverse("kpi-list"), {"per_page": "0"})) <= DEFAULT_PER_PAGE


@pytest.mark.parametrize("page", NUMBERS)
def test_a_bad_page_falls_back_to_a_real_page(client_for, member, many_values, page):
    response = client_for(member).get(reverse("kpi-list"), {"page": page})
    assert response.status_code == 200
    # Python reads "٣" as 3: any real page will do, never an error.
    assert 1 <= response.context["table"].page.number <= response.context["table"].paginator.num_pages


@pytest.mark.parametrize("name", LISTS)
def test_an_unknown_sort_falls_back_to_the_default_order(client_for, member, world, name):
    client = client_for(member)
    default = [str(row.record.pk) for row in client.get(reverse(name)).context["table"].page.object_list]
    for sort in ["nonsense", "-nonsense", "kpi__team__leads__password", "password", "-", "", "a,b", "\x00"]:
        response = client.get(reverse(name), {"sort": sort})
        assert response.status_code == 200, sort
        assert [str(row.record.pk) for row in response.context["table"].page.object_list] == default, sort


@pytest.mark.parametrize("name", LISTS)
def test_every_column_sorts_both_ways(client_for, member, world, name):
    """Hidden (export-only) columns too: a URL can name any column, shown or not."""
    client = client_for(member)
    table = client.get(reverse(name)).context["table"]
    default = [row.record.pk for row in table.page.object_list]
    for column in table.columns.iterall():
        for sort in (column.name, f"-{column.name}"):
            response = client.get(reverse(name), {"sort": sort})
            assert response.status_code == 200, sort
            if not column.orderable:
                assert [row.record.pk for row in response.context["table"].page.object_list] == default, sort


@pytest.mark.parametrize("language", ["en", "zh-hans", "xx", "", "../../", "\x00", "zh-hans\x00", "en" * 500])
def test_the_language_switch_takes_any_value(client_for, member, language):
    response = client_for(member).post("/i18n/setlang/", {"language": language, "next": "/kpis/"})
    assert response.status_code == 302
    assert response["Location"] == "/kpis/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:1"]
)
def test_the_language_switch_never_sends_anyone_off_site(client_for, member, target):
    response = client_for(member).post("/i18n/setlang/", {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@FUZZ
@given(
    name=st.sampled_from(LISTS),
    params=st.dictionaries(
        st.sampled_from(LIBRARY_PARAMS),
        st.one_of(hostile, st.sampled_from(NUMBERS), st.sampled_from(["csv", "xlsx", "en", "zh-hans"])),
        max_size=4,
    ),
)
def test_fuzzed_library_parameters_never_fail(client_for, admin_user, world, name, params):
    response = client_for(admin_user).get(reverse(name), params)
    assert response.status_code < 500, params
    if response.streaming:
        b"".join(response.streaming_content)
    elif response["Content-Type"].startswith("text/html"):
        assert _rows(response) <= MAX_PER_PAGE


@FUZZ
@given(language=st.one_of(hostile, st.sampled_from(HOSTILE)), target=st.one_of(hostile, st.just("/okrs/")))
def test_fuzzed_language_switch_never_fails(client_for, member, language, target):
    response = client_for(member).post("/i18n/setlang/", {"language": language, "next": target})
    assert response.status_code in (302, 204)
