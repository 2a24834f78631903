"""The links a list prints per row are reverse()'s own, escaped, whatever the id or slug."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from common.weeks import IsoWeek
from reports.links import kpi_detail_href, team_week_href


@pytest.mark.parametrize("week", ["2024-W33", "2020-W53", "2025-W01"])
@pytest.mark.parametrize("slug", ["payments", "a", "risk-and-fraud_2", "reportsite-placeholder-slug", "9"])
def test_a_teams_week_link_is_the_one_reverse_gives(slug, week):
    week = IsoWeek.parse(week)
    assert team_week_href(week)(slug) == escape(reverse("team-week", kwargs={"team": slug, "week": week}))


@pytest.mark.parametrize("slug", ["", "café", "a/b", "a b"])
def test_a_slug_the_url_cannot_take_fails_as_reverse_fails(slug):
    with pytest.raises(NoReverseMatch):
        team_week_href(IsoWeek.parse("2024-W33"))(slug)


@pytest.mark.parametrize("pk", [1, 42, 999999999, 10**12])
def test_a_kpis_link_is_the_one_reverse_gives(pk):
    assert kpi_detail_href()(pk) == escape(reverse("kpi-detail", kwargs={"pk": pk}))
