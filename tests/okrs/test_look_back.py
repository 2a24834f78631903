"""okr_rows reads the recent weeks first and the rest of the look-back window only for the items they
leave open: whatever the items' histories, every row is the one the whole window gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.weeks import IsoWeek
from okrs import rules
from okrs.models import KeyResult, KeyResultUpdate
from okrs.progress import LOOKBACK_WEEKS
from tests.factories import make_key_result, make_objective, make_update, make_week

W33 = IsoWeek(2024, 33)
# Two weeks more than the window: updates older than it count nowhere.
WEEKS = [W33.shifted(-back) for back in range(LOOKBACK_WEEKS + 2, -1, -1)]
# Value items run from 0 to 50: 60 and 80 are both 100 %, one figure as far as stalling goes.
FIGURES = st.sampled_from([None, Decimal(0), Decimal(20), Decimal(60), Decimal(80)])
UPDATE = st.none() | st.tuples(FIGURES, st.sampled_from(["on_track", "done"]))
HISTORIES = st.lists(st.lists(UPDATE, min_size=len(WEEKS), max_size=len(WEEKS)), min_size=4, max_size=4)


def row_facts(row: rules.OkrRow) -> tuple:
    return (
        row.update_id,
        row.previous_id,
        row.status,
        row.percent,
        row.previous_percent,
        row.is_stalled,
        row.is_overdue,
    )


def rows_from_the_whole_window(key_results: list[KeyResult], week: IsoWeek) -> dict[int, tuple]:
    history, using = rules._history([kr.pk for kr in key_results], week, LOOKBACK_WEEKS)
    anchor = week.shifted(-rules.RECENT_WEEKS)
    return {
        kr.pk: row_facts(
            rules._okr_row(kr, history[kr.pk], week, anchor, using, rules._percents(kr, history[kr.pk]))
        )
        for kr in key_results
    }


@pytest.fixture
def items(team):
    objective = make_objective(team)
    value_item = {"measure": KeyResult.Measure.VALUE, "start_value": 0, "target_value": 50}
    return [
        make_key_result(objective, eta=W33.monday, **fields) for fields in ({}, {}, value_item, value_item)
    ]


@pytest.mark.django_db
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=HISTORIES)
def test_every_row_is_the_one_the_whole_window_gives(items, histories):
    KeyResultUpdate.objects.all().delete()
    weeks = [make_week(week) for week in WEEKS]
    KeyResultUpdate.objects.bulk_create(
        KeyResultUpdate(
            key_result=kr,
            week=week,
            progress=figure if kr.measure == KeyResult.Measure.PROGRESS else None,
            current_value=figure if kr.measure == KeyResult.Measure.VALUE else None,
            status=status,
        )
        for kr, history in zip(items, histories, strict=True)
        for week, update in zip(weeks, history, strict=True)
        if update is not None
        for figure, status in [update]
    )
    items = [KeyResult.objects.get(pk=kr.pk) for kr in items]
    rows = {row.key_result.pk: row_facts(row) for row in rules.okr_rows(items, W33)}
    assert rows == rows_from_the_whole_window(items, W33)


@pytest.mark.django_db
def test_items_reported_every_recent_week_are_read_in_one_query(items):
    for kr in items:
        for back, progress in ((2, 10), (1, 10), (0, 10)):
            make_update(kr, W33.shifted(-back), progress, current_value=Decimal(progress))
    with CaptureQueriesContext(connection) as queries:
        rows = rules.okr_rows(items, W33)
    assert len(queries) == 1
    assert [row.is_stalled for row in rows] == [True] * 4


@pytest.mark.django_db
def test_an_item_quiet_for_weeks_is_read_back_to_its_last_update(items):
    first, *_rest = items
    make_update(first, W33.shifted(-9), 40, status="at_risk")
    make_update(first, W33, 40)
    with CaptureQueriesContext(connection) as queries:
        row = rules.okr_rows([first], W33)[0]
    assert len(queries) == 2
    assert row.previous.week.number == W33.shifted(-9).number
    assert row.previous_percent == Decimal(40) and row.is_stalled


@pytest.mark.django_db
def test_a_flat_run_anchored_before_the_recent_weeks_is_stalled(items):
    """Nothing reported two weeks ago, the same figure since five weeks ago: stalled, from the window."""
    progress_item, _other, value_item, _last = items
    for back in (5, 1, 0):
        make_update(progress_item, W33.shifted(-back), 30)
        make_update(value_item, W33.shifted(-back), current_value=Decimal(60 + back))
    make_update(progress_item, W33.shifted(-2), None, note="No figure this week")
    rows = rules.okr_rows([progress_item, value_item], W33)
    assert [row.is_stalled for row in rows] == [True, True]


def flat_since_as_written(mondays: list, percents: list, since: IsoWeek) -> bool:
    """The stalled rule as `okr_rows` words it, spelled out: the latest figure at or before `since`, and
    every figure after it the same."""
    figures = [
        (monday, percent) for monday, percent in zip(mondays, percents, strict=True) if percent is not None
    ]
    anchors = [index for index, (monday, _percent) in enumerate(figures) if monday <= since.monday]
    if not anchors:
        return False
    return all(percent == figures[anchors[-1]][1] for _monday, percent in figures[anchors[-1] :])


@settings(max_examples=300, deadline=None)
@given(
    weeks=st.lists(st.booleans(), min_size=len(WEEKS), max_size=len(WEEKS)),
    percents=st.lists(FIGURES, min_size=len(WEEKS), max_size=len(WEEKS)),
    since_back=st.integers(min_value=0, max_value=len(WEEKS)),
)
def test_the_stalled_check_is_the_rule_as_written(weeks, percents, since_back):
    """One pass over the updates gives what the rule's two steps give, for any run of figures and gaps."""
    reported = [(week, percent) for week, percent, has in zip(WEEKS, percents, weeks, strict=True) if has]
    updates = [(None, None, week.monday, "", None, None) for week, _percent in reported]
    figures = [percent for _week, percent in reported]
    since = W33.shifted(-since_back)
    expected = flat_since_as_written([week.monday for week, _percent in reported], figures, since)
    assert rules._is_flat_since(updates, figures, since) == expected
