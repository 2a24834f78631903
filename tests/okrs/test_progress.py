"""okrs.progress: the one rule for an item's percent, its previous update and its change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.weeks import IsoWeek
from okrs.models import KeyResult, KeyResultUpdate
from okrs.progress import (
    LOOKBACK_WEEKS,
    percent_of,
    previous_updates,
    progress_change,
    progress_percent,
)
from okrs.tables import progress_change as list_change
from okrs.tables import week_percent
from tests.factories import make_key_result, make_objective, make_update

VALUE = KeyResult.Measure.VALUE


def value_item(start="0", target="200"):
    return KeyResult(
        measure=VALUE,
        start_value=None if start is None else Decimal(start),
        target_value=None if target is None else Decimal(target),
    )


def test_progress_item_reads_its_reported_progress():
    item = KeyResult(measure=KeyResult.Measure.PROGRESS)
    assert progress_percent(item, KeyResultUpdate(progress=Decimal("62.50"))) == Decimal("62.50")
    assert progress_percent(item, KeyResultUpdate(progress=None)) is None
    assert progress_percent(item, None) is None


def test_value_item_is_the_share_of_the_way_from_start_to_target():
    assert percent_of(value_item(), None, Decimal("50")) == Decimal("25.00")
    assert percent_of(value_item("10", "40"), None, Decimal("20")) == Decimal("33.33")
    # Falling from 100 to 60 towards 50: 80% of the way.
    assert percent_of(value_item("100", "50"), None, Decimal("60")) == Decimal("80.00")


def test_value_item_is_clamped_to_0_and_100():
    assert percent_of(value_item(), None, Decimal("-20")) == Decimal("0.00")
    assert percent_of(value_item(), None, Decimal("300")) == Decimal("100.00")


@pytest.mark.parametrize("start, target", [(None, "200"), ("0", None), ("5", "5")])
def test_value_item_without_a_usable_range_has_no_percent(start, target):
    # Even a stray progress figure on the update does not stand in for the missing range.
    assert percent_of(value_item(start, target), Decimal("40"), Decimal("50")) is None


def test_value_item_without_a_current_value_has_no_percent():
    assert percent_of(value_item(), Decimal("40"), None) is None


def test_progress_change_is_in_percentage_points_for_both_measures():
    item = KeyResult(measure=KeyResult.Measure.PROGRESS)
    assert progress_change(
        item, KeyResultUpdate(progress=Decimal("60")), KeyResultUpdate(progress=Decimal("50"))
    ) == Decimal("10")
    assert progress_change(
        value_item(),
        KeyResultUpdate(current_value=Decimal("100")),
        KeyResultUpdate(current_value=Decimal("50")),
    ) == Decimal("25.00")
    assert progress_change(item, KeyResultUpdate(progress=Decimal("60")), None) is None


@pytest.mark.django_db
def test_previous_update_is_the_latest_strictly_before_the_week_across_gaps(django_assert_num_queries):
    gap = make_key_result(title="gap")
    make_update(gap, "2024-W10", 50)
    make_update(gap, "2024-W13", 60)
    weekly = make_key_result(title="weekly")
    make_update(weekly, "2024-W11", 20)
    make_update(weekly, "2024-W12", 30)
    make_update(weekly, "2024-W13", 40)
    never = make_key_result(title="never")
    with django_assert_num_queries(1):
        previous = previous_updates([gap.pk, weekly.pk, never.pk], IsoWeek.parse("2024-W13"))
    assert previous[gap.pk].progress == 50
    assert previous[weekly.pk].progress == 30
    assert never.pk not in previous


@pytest.mark.django_db
def test_previous_update_older_than_the_lookback_is_ignored():
    week = IsoWeek.parse("2024-W30")
    item = make_key_result()
    make_update(item, week.shifted(-LOOKBACK_WEEKS - 1), 10)
    assert previous_updates([item.pk], week) == {}
    make_update(item, week.shifted(-LOOKBACK_WEEKS), 20)
    assert previous_updates([item.pk], week)[item.pk].progress == 20


@pytest.mark.django_db
def test_dashboard_and_okr_list_give_the_same_percent_and_change(client_for, member, team):
    from django.urls import reverse

    from pages import dashboards

    objective = make_objective(team, "O1")
    gap = make_key_result(objective, title="gap", position=1)
    make_update(gap, "2024-W10", 50)
    make_update(gap, "2024-W13", 60)
    value = make_key_result(
        objective, title="value", position=2, measure=VALUE, start_value=0, target_value=200
    )
    make_update(value, "2024-W12", current_value=50)
    make_update(value, "2024-W13", current_value=100)
    week = IsoWeek.parse("2024-W13")

    rows = {row.key_result.title: row for row in dashboards.team_week(team, week).okrs}
    dashboard = {title: (row.percent, row.delta) for title, row in rows.items()}
    response = client_for(member).get(reverse("okr-list"), {"week": str(week)})
    table = response.context["table"]
    listed = {
        row.record.title: (week_percent(row.record), list_change(row.record)) for row in table.paginated_rows
    }

    assert dashboard == {"gap": (Decimal(60), Decimal(10)), "value": (Decimal(50), Decimal(25))}
    assert listed == dashboard
