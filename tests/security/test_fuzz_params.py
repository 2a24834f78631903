"""Every list filter, sort, page and export parameter fuzzed: never a 5xx, exports stream to the end.

The lists are the pipelines FilterSet → Table → pagination → `?_export=`; the dashboards and
documents take no parameters but must ignore any they are sent.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from tests.factories import (
    make_incident,
    make_key_result,
    make_kpi,
    make_objective,
    make_report,
    make_update,
    make_value,
)
from tests.security.fuzz import FUZZ, HOSTILE, hostile
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

PARAMS = [
    "team", "week", "group", "direction", "worse", "q", "sort", "page", "per_page", "_export",
    "started_from", "started_to", "status", "grade", "kind", "detection", "period", "objective", "next",
]  # fmt: skip
SORTS = [
    "value", "-value", "change", "-change", "relative_change", "-relative_change", "previous_value",
    "kpi", "-team", "week", "title", "-started_at", "status", "eta", "progress", "-change,value",
    "pk", "id", "password", "kpi__team__leads__password", "-", "--value", "value,value",
]  # fmt: skip
VALUES = st.one_of(
    hostile,
    st.sampled_from(SORTS),
    st.sampled_from(["csv", "xlsx", "CSV", "json", "pdf", "csv\x00"]),
    st.sampled_from(["payments", "risk", "true", "false", "up", "down", "neutral", "open", "resolved", "A"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
LISTS = ["kpi-list", "okr-list", "incident-list"]
PAGES = [
    ("department-week", {"week": "2024-W33"}),
    ("team-week", {"team": "payments", "week": "2024-W33"}),
    ("kpi-detail", None),
    ("team-week-print", {"team": "payments", "week": "2024-W33"}),
    ("department-document", {"week": "2024-W33"}),
    ("team-week-markdown", {"team": "payments", "week": "2024-W33"}),
    ("team-week-edit", {"team": "payments", "week": "2024-W33"}),
    ("home", {}),
]


@pytest.fixture
def world(team, other_team, admin_user):
    kpi = make_kpi(team, "需求交付数", group="效能度量")
    for week, value in (("2024-W31", 0), ("2024-W32", 292), ("2024-W33", 313)):
        make_value(kpi, week, value)
    make_value(make_kpi(other_team, "入金有效成功率", group="系统运行数据"), "2024-W33", "99.998")
    key_result = make_key_result(make_objective(team, "O1"))
    make_update(key_result, "2024-W33", 80)
    make_report(team, "2024-W33")
    make_incident(team, resolved_at=timezone.make_aware(dt.datetime(2024, 8, 12, 11, 0)))
    make_incident(other_team, grade="B")
    return {"kpi": kpi}


def _get_all(client, url, params):
    response = client.get(url, params)
    assert response.status_code < 500, (url, params)
    # Streaming exports fail, if at all, while streaming: read them to the end.
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@FUZZ
@given(
    name=st.sampled_from(LISTS),
    params=st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=6),
)
@example(name="kpi-list", params={"page": "-1", "per_page": "0"})
@example(name="kpi-list", params={"page": "99999999999999999999", "per_page": "1e999"})
@example(name="kpi-list", params={"q": "\x00", "_export": "csv"})
@example(name="okr-list", params={"q": "\x00", "week": "\x00", "_export": "xlsx"})
@example(name="incident-list", params={"q": "a\x00b", "started_from": "2024-13-45"})
@example(
    name="incident-list", params={"started_from": "0001-01-01", "started_to": "9999-12-31", "_export": "csv"}
)
@example(name="incident-list", params={"started_from": "2024-08-20", "started_to": "2024-08-01"})
@example(name="kpi-list", params={"sort": "kpi__team__leads__password", "_export": "xlsx"})
@example(name="okr-list", params={"week": "2024-W99", "sort": "-progress"})
def test_fuzzed_list_parameters_never_fail(client, world, admin_user, name, params):
    client.force_login(admin_user)
    before = census()
    _get_all(client, reverse(name), params)
    assert census() == before


@FUZZ
@given(
    name=st.sampled_from(LISTS),
    params=st.lists(st.tuples(st.sampled_from(PARAMS), st.sampled_from(HOSTILE[:40])), max_size=8),
)
def test_repeated_parameters_never_fail(client, world, admin_user, name, params):
    client.force_login(admin_user)
    query = "&".join(f"{key}={value}" for key, value in params)
    response = client.get(f"{reverse(name)}?{query}")
    assert response.status_code < 500


@FUZZ
@given(
    index=st.integers(0, len(PAGES) - 1), params=st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=4)
)
def test_pages_ignore_fuzzed_parameters(client, world, admin_user, index, params):
    client.force_login(admin_user)
    name, kwargs = PAGES[index]
    url = reverse(name, kwargs=kwargs if kwargs is not None else {"pk": world["kpi"].pk})
    response = _get_all(client, url, params)
    assert response.status_code in (200, 302)


def test_a_nul_in_the_search_is_a_form_error_not_a_database_error(client_for, admin_user, world):
    for name in LISTS:
        response = client_for(admin_user).get(reverse(name), {"q": "a\x00b"})
        assert response.status_code == 200
        assert "Null characters are not allowed" in response.content.decode()
