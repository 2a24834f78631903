"""One KPI's page: the full chart, every value newest first with its change and note."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from common.weeks import IsoWeek
from reports.models import KPI, KPIValue
from tests.factories import make_kpi, make_team, make_value

W33 = IsoWeek(2024, 33)


@pytest.fixture
def throughput(team):
    kpi = make_kpi(team, "需求吞吐率", unit=KPI.Unit.PERCENT, decimals=2, target=Decimal("90"))
    make_value(kpi, "2024-W30", "88.10")
    make_value(kpi, "2024-W32", "96.05")
    make_value(kpi, W33, "81.72", note="研发和QA都有需求积压")
    return kpi


def url(kpi):
    return reverse("kpi-detail", kwargs={"pk": kpi.pk})


def rows(html):
    return re.findall(r'<tr class="(tone-[a-z]+)" data-week="([^"]+)">(.*?)</tr>', html, re.S)


def test_values_newest_first_with_change_and_note(client_for, member, throughput):
    html = client_for(member).get(url(throughput)).content.decode()
    table = rows(html)
    assert [week for _tone, week, _cells in table] == ["2024-W33", "2024-W32", "2024-W30"]
    tone, _week, cells = table[0]
    assert tone == "tone-worse"
    assert "81.72%" in cells and "\u221214.33 pp" in cells and "\u221214.92%" in cells
    assert "研发和QA都有需求积压" in cells and "badge-worse" in cells
    # 2024-W31 has no value, so W32 has nothing to compare with: new, not a change against W30.
    assert "badge-new" in table[1][2] and " pp" not in table[1][2]
    assert "badge-new" in table[2][2]


def test_chart_has_every_week_axis_labels_and_target_line(client_for, member, throughput):
    html = client_for(member).get(url(throughput)).content.decode()
    chart = html.split('<svg class="chart"')[1].split("</svg>")[0]
    assert chart.count("<circle") == 3
    for label in ("2024-W30", "2024-W32", "2024-W33"):
        assert f">{label}</text>" in chart
    assert 'class="target"' in chart and "90.00%" in chart
    assert "96.05%" in chart and "81.72%" in chart


def test_last_week_zero_shows_absolute_change_only(client_for, member, team):
    kpi = make_kpi(team, "回滚次数", direction=KPI.Direction.LOWER_IS_BETTER)
    make_value(kpi, "2024-W32", "0")
    make_value(kpi, W33, "2")
    _tone, _week, cells = rows(client_for(member).get(url(kpi)).content.decode())[0]
    assert "+2" in cells and "%" not in cells


def test_kpi_without_values_shows_an_empty_state(client_for, member, team):
    kpi = make_kpi(team, "饱和度")
    response = client_for(member).get(url(kpi))
    assert response.status_code == 200
    assert "This KPI has no values yet." in response.content.decode()


def test_kpi_name_is_escaped_in_the_chart_and_page(client_for, member, team):
    kpi = make_kpi(team, "<b>x</b>")
    make_value(kpi, W33, "1")
    html = client_for(member).get(url(kpi)).content.decode()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_unknown_kpi_is_404(client_for, member):
    assert client_for(member).get("/kpis/999999/").status_code == 404


def test_anonymous_is_sent_to_login(client, throughput):
    response = client.get(url(throughput))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_any_logged_in_user_reads_and_post_is_refused(client_for, outsider, throughput):
    client = client_for(outsider)
    assert client.get(url(throughput)).status_code == 200
    assert client.post(url(throughput)).status_code == 405
    assert KPIValue.objects.filter(kpi=throughput).count() == 3


def test_query_count_does_not_grow_with_weeks(client_for, member, throughput, django_assert_num_queries):
    client = client_for(member)
    # session, user, KPI with team, its values with weeks, the team's incidents over those weeks,
    # the teams the user leads (may edit aliases)
    with django_assert_num_queries(6):
        client.get(url(throughput))
    for offset in range(2, 120):
        make_value(throughput, W33.shifted(-offset - 3), offset)
    make_kpi(make_team(), "other")
    with django_assert_num_queries(6):
        response = client.get(url(throughput))
    assert len(response.context["rows"]) == 121


def test_out_of_range_kpi_id_is_404_not_500(client_for, member):
    assert client_for(member).get("/kpis/99999999999999999999999/").status_code == 404
