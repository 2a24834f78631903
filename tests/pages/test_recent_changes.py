"""The latest-changes panel says amounts as the page does: 81.72%, 1829万元, 40张."""

import pytest
from django.db import connections

from common.weeks import IsoWeek
from pages import history
from pages.history import recent_changes
from reports.models import KPI
from tests.factories import make_kpi, make_value
from tests.pages.weekform_helpers import THIS_WEEK, build_last_week, edit_url, form_data

pytestmark = pytest.mark.django_db


def whats(team):
    return {change.what for change in recent_changes(team, IsoWeek.parse(THIS_WEEK))}


def test_kpi_amounts_are_formatted_with_their_unit_and_decimals(client_for, lead, team):
    last_week = build_last_week(team)
    money = make_kpi(team, "总金额", unit=KPI.Unit.CURRENCY, unit_label="万元", decimals=1, position=9)
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"kpi_{last_week['throughput'].pk}"] = "81.7"
    data[f"kpi_{last_week['delivered'].pk}"] = "330"
    data[f"kpi_{money.pk}"] = "1829"
    assert client.post(edit_url(team), data).status_code == 302
    assert {"需求吞吐率: 81.70%", "需求交付数: 330", "总金额: 1829.0万元"} <= whats(team)


def test_value_measured_key_result_shows_its_amount_and_unit(client_for, lead, team):
    last_week = build_last_week(team)
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"kr_{last_week['value_kr'].pk}_value"] = "40"
    data[f"kr_{last_week['progress_kr'].pk}_progress"] = "85"
    assert client.post(edit_url(team), data).status_code == 302
    assert {"新办卡: 40张", "对公收佣: 85%"} <= whats(team)


def test_the_panel_is_one_query_however_many_kpis_changed(team, django_assert_num_queries):
    for index in range(5):
        make_value(make_kpi(team, f"k{index}", unit=KPI.Unit.PERCENT, decimals=2), THIS_WEEK, "50")
    with django_assert_num_queries(1):
        assert len(recent_changes(team, IsoWeek.parse(THIS_WEEK))) == 5


def test_the_statement_compiled_once_reads_what_the_orm_union_reads(client_for, lead, team):
    last_week = build_last_week(team)
    client = client_for(lead)
    data = form_data(client.get(edit_url(team)))
    data[f"kpi_{last_week['throughput'].pk}"] = "81.7"
    data[f"kr_{last_week['value_kr'].pk}_value"] = "40"
    data["action"] = "submit"
    assert client.post(edit_url(team), data).status_code == 302
    this_week, previous = IsoWeek.parse(THIS_WEEK), IsoWeek.parse(THIS_WEEK).previous()
    connection = connections["default"]
    history._compiled.pop(connection, None)
    for week in (this_week, previous):
        for limit in (3, 10):
            expected = list(history._union(team, week, limit))
            assert history._union_rows(team, week, limit) == expected
    assert history._union_rows(team, this_week, 10)
    assert set(history._compiled[connection]) == {3, 10}


def test_the_newest_rows_come_first_when_the_week_has_more_than_the_limit(team):
    for index in range(14):
        make_value(make_kpi(team, f"k{index:02}", unit=KPI.Unit.PERCENT, decimals=2), THIS_WEEK, "50")
    week = IsoWeek.parse(THIS_WEEK)
    every = recent_changes(team, week, limit=100)
    assert len(every) == 14
    assert [change.when for change in every] == sorted((change.when for change in every), reverse=True)
    assert recent_changes(team, week, limit=10) == every[:10]
    assert [row["change_what"] for row in history._union_rows(team, week, 10)] == [
        f"k{index:02}" for index in range(13, 3, -1)
    ]
