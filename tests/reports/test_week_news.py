"""The KPI list's "against last week" choices list exactly the rows the overview counts."""

from __future__ import annotations

import itertools
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.http import urlencode

from bench.generator import LAST_WEEK
from common.weeks import IsoWeek
from pages.overview import department_week
from reports import ranking
from reports.filtersets import KPIValueFilterSet, kpi_values_with_comparison
from reports.models import KPI, KPIValue
from reports.week_news import ATTENTION, BETTER, OFF_TARGET, WORSE
from tests.factories import make_kpi, make_team, make_value

W32, W33 = IsoWeek(2024, 32), IsoWeek(2024, 33)


def listed(week: IsoWeek, change: str, **narrower) -> set[int]:
    data = {"week": str(week), "change": change, **narrower}
    filterset = KPIValueFilterSet(data, queryset=kpi_values_with_comparison())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("kpi_id", flat=True))


def ranked(week: IsoWeek) -> dict[str, set[int]]:
    kpis = list(KPI.objects.filter(values__week__starts_on=week.monday))
    moves = ranking.moves(kpis, ranking.weekly_history(kpis, week)).values()
    return {
        BETTER: {move.kpi.pk for move in ranking.improved_most(moves)},
        WORSE: {move.kpi.pk for move in moves if move.is_rankable and move.change.tone == "worse"},
        ATTENTION: {move.kpi.pk for move in ranking.worse_or_off_target(moves)},
        OFF_TARGET: {move.kpi.pk for move in moves if move.change.target_met is False},
    }


@pytest.mark.django_db
def test_a_move_counts_where_it_shows_at_the_kpis_places():
    """Changes at, just under and just over half a unit of the KPI's places, both ways, every kind.

    Change.absolute rounds half up: at two places +0.005 shows as +0.01 (a move), +0.004999 as 0.00
    (none). SQLite subtracts stored values in floating point; the list must not be fooled by that.
    """
    team = make_team()
    cases = itertools.product(
        (0, 1, 2, 3, 6),
        (KPI.Direction.HIGHER_IS_BETTER, KPI.Direction.LOWER_IS_BETTER, KPI.Direction.NEUTRAL),
        (KPI.Kind.LEVEL, KPI.Kind.CUMULATIVE),
        (Decimal("0.5"), Decimal("0.499999"), Decimal("0.500001"), Decimal("-0.5"), Decimal("-0.499999")),
        (Decimal("99.9981"), Decimal("12345678.42")),
    )
    for places, direction, kind, half_units, start in cases:
        change = (half_units * Decimal(1).scaleb(-places)).quantize(Decimal("0.000001"))
        kpi = make_kpi(team, decimals=places, direction=direction, kind=kind, target=start)
        make_value(kpi, W32, start)
        make_value(kpi, W33, start + change)
    expected = ranked(W33)
    assert expected[BETTER] and expected[WORSE] and expected[OFF_TARGET]
    for change, kpis in expected.items():
        assert listed(W33, change) == kpis, change


@pytest.fixture
def department(db):
    call_command("seed_bench", scale=10, weeks=6, force=True, stdout=StringIO())


def test_the_overviews_counts_open_lists_of_as_many_rows(department, client_for, manager):
    client = client_for(manager)
    for week in (LAST_WEEK, LAST_WEEK.previous(), LAST_WEEK.shifted(-3)):
        overview = department_week(week)
        assert overview.improved_total and overview.attention_total
        for change, total in ((BETTER, overview.improved_total), (ATTENTION, overview.attention_total)):
            assert len(listed(week, change)) == total
            page = client.get(f"{reverse('kpi-list')}?{urlencode({'week': str(week), 'change': change})}")
            assert page.status_code == 200
            assert page.context["table"].paginator.count == total
        for item in overview.teams:
            for change, count in ((BETTER, item.better), (WORSE, item.worse)):
                assert len(listed(week, change, team=item.team.slug)) == count
                link = f"team={item.team.slug}&amp;change={change}"
                assert (link in item.card_html) == bool(count)


@pytest.mark.django_db
def test_links_made_before_the_choice_still_open_the_worse_values(client_for, manager):
    team = make_team()
    fell, rose = make_kpi(team, name="fell"), make_kpi(team, name="rose")
    for kpi, before, now in ((fell, 10, 7), (rose, 10, 12)):
        make_value(kpi, W32, before)
        make_value(kpi, W33, now)
    page = client_for(manager).get(reverse("kpi-list"), {"week": str(W33), "worse": "true"})
    assert [row.record.kpi.name for row in page.context["table"].page.object_list] == ["fell"]
    assert 'value="worse" selected' in page.content.decode()
    assert KPIValue.objects.count() == 4
