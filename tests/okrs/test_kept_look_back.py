"""What each update keeps of its week's look-back (okrs/migrations/0003, okrs/kept_look_back.py).

After every way updates and items are written (the ORM's save, bulk statements, raw deletes, moves
between weeks and items, an item's start, target or measure changed, a week moved), the rows read from
kept figures are the rows `okr_rows` works out from the updates themselves, and no figure whose stamp is
current disagrees with them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.weeks import IsoWeek
from okrs import kept_look_back, rules
from okrs.kept_look_back import okr_rows_of_teams
from okrs.models import KeyResult, KeyResultUpdate, KeyResultUpdateFigures
from okrs.progress import LOOKBACK_WEEKS
from reports.models import Week
from tests.factories import make_key_result, make_objective, make_update, make_week
from tests.okrs.test_look_back import FIGURES, row_facts
from tests.reports.test_week_figures import trigger_names

pytestmark = pytest.mark.django_db

W33 = IsoWeek(2024, 33)
# The window of the latest week and one week more: a write to the oldest reaches none of W33's figures.
WEEKS = [W33.shifted(-back) for back in range(LOOKBACK_WEEKS + 1, -1, -1)]
# The weeks whose rows are compared: the latest, one in the middle of the window, the oldest.
CHECKED = [W33, W33.shifted(-5), WEEKS[0]]
TRIGGERS = {
    "sqlite": {
        "okrs_update_figures_insert",
        "okrs_update_figures_update",
        "okrs_update_figures_delete",
        "okrs_item_figures",
        "okrs_week_moved",
    },
    "postgresql": {"okrs_update_figures", "okrs_item_figures", "okrs_week_moved"},
}


@pytest.fixture
def items(team):
    objective = make_objective(team)
    value_item = {"measure": KeyResult.Measure.VALUE, "start_value": 0, "target_value": 50}
    return [make_key_result(objective, eta=W33.monday, **fields) for fields in ({}, {}, value_item)]


def kept_rows(team, week: IsoWeek) -> dict[int, tuple]:
    rows = okr_rows_of_teams(rules.ItemsOfTeams([team.pk]), {team.pk: team}, week)
    return {row.key_result.pk: row_facts(row) for row in rows}


def rows_from_the_updates(team, week: IsoWeek) -> dict[int, tuple]:
    rows = rules.okr_rows(rules.active_key_results(objective__team=team), week, read=False)
    return {row.key_result.pk: row_facts(row) for row in rows}


def assert_kept_rows_are_the_updates_rows(team):
    for week in CHECKED:
        # Twice: the first view may work figures out and keep them, the second reads what it kept.
        assert kept_rows(team, week) == rows_from_the_updates(team, week), week
        assert kept_rows(team, week) == rows_from_the_updates(team, week), week
    assert_no_current_figure_disagrees(team)


def assert_no_current_figure_disagrees(team):
    current = KeyResultUpdateFigures.objects.filter(worked_out_at=F("stamp")).select_related("update__week")
    for figures in current:
        update = figures.update
        expected = rows_from_the_updates(team, update.week.iso)[update.key_result_id]
        kept = (figures.update_id, figures.previous_id, figures.percent, figures.previous_percent)
        assert kept == (expected[0], expected[1], expected[3], expected[4]), figures
        assert figures.is_stalled == expected[5], figures
    # A deleted update takes its figures with it, whatever deleted it.
    assert not KeyResultUpdateFigures.objects.exclude(
        update_id__in=KeyResultUpdate.objects.values("pk")
    ).exists()


def _update_of(item: KeyResult, week_index: int) -> KeyResultUpdate | None:
    return KeyResultUpdate.objects.filter(key_result=item, week__starts_on=WEEKS[week_index].monday).first()


def _write(kind: str, item: KeyResult, other: KeyResult, week_index: int, figure: Decimal | None):
    """One write of `kind` to the item's update of the week (or the item itself)."""
    update = _update_of(item, week_index)
    week = make_week(WEEKS[week_index])
    is_value = item.measure == KeyResult.Measure.VALUE
    figures = {"current_value": figure} if is_value else {"progress": figure}
    if kind == "save":
        if update is None:
            KeyResultUpdate.objects.create(key_result=item, week=week, **figures)
        else:
            for name, value in figures.items():
                setattr(update, name, value)
            update.save()
    elif kind == "status" and update is not None:
        update.status = "on_track" if update.status == "done" else "done"
        update.save()
    elif kind == "bulk" and update is not None:
        KeyResultUpdate.objects.filter(pk=update.pk).update(**figures, status="done" if figure else "at_risk")
    elif kind == "delete" and update is not None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM okrs_keyresultupdate WHERE id = %s", [update.pk])
    elif kind == "move_week" and update is not None:
        if not KeyResultUpdate.objects.filter(key_result=item, week=week).exists():
            KeyResultUpdate.objects.filter(pk=update.pk).update(week=week)
    elif kind == "move_item" and update is not None:
        if not KeyResultUpdate.objects.filter(key_result=other, week=update.week).exists():
            KeyResultUpdate.objects.filter(pk=update.pk).update(key_result=other)
    elif kind == "target":
        KeyResult.objects.filter(pk=item.pk).update(target_value=Decimal(40) if figure else Decimal(50))
    elif kind == "measure":
        item.refresh_from_db()
        item.measure = KeyResult.Measure.VALUE if item.measure != KeyResult.Measure.VALUE else "progress"
        item.start_value, item.target_value = Decimal(0), Decimal(50)
        item.save()


WRITES = st.lists(
    st.tuples(
        st.sampled_from(["save", "status", "bulk", "delete", "move_week", "move_item", "target", "measure"]),
        st.integers(min_value=0, max_value=2),
        st.integers(min_value=0, max_value=len(WEEKS) - 1),
        FIGURES,
    ),
    min_size=1,
    max_size=6,
)
# A few updates an item, at any weeks: an item quiet for most of the window reads its previous update
# from as far back as the window goes.
HISTORIES = st.lists(
    st.dictionaries(st.integers(min_value=0, max_value=len(WEEKS) - 1), FIGURES, max_size=5),
    min_size=3,
    max_size=3,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=HISTORIES, writes=WRITES)
def test_kept_rows_are_the_updates_rows_after_every_way_of_writing(team, items, histories, writes):
    KeyResultUpdate.objects.all().delete()
    KeyResult.objects.filter(pk=items[2].pk).update(
        measure=KeyResult.Measure.VALUE, start_value=Decimal(0), target_value=Decimal(50)
    )
    KeyResult.objects.filter(pk__in=[items[0].pk, items[1].pk]).update(measure="progress")
    weeks = [make_week(week) for week in WEEKS]
    fresh = [KeyResult.objects.get(pk=kr.pk) for kr in items]
    for kr, history in zip(fresh, histories, strict=True):
        for week_index, figure in history.items():
            is_value = kr.measure == KeyResult.Measure.VALUE
            KeyResultUpdate.objects.create(
                key_result=kr,
                week=weeks[week_index],
                progress=None if is_value else figure,
                current_value=figure if is_value else None,
            )
    assert_kept_rows_are_the_updates_rows(team)
    for kind, index, week_index, figure in writes:
        item = KeyResult.objects.get(pk=items[index].pk)
        other = KeyResult.objects.get(pk=items[(index + 1) % len(items)].pk)
        _write(kind, item, other, week_index, figure)
        assert_kept_rows_are_the_updates_rows(team)


def test_the_triggers_exist_after_every_migration():
    """A later migration that rebuilds a table on SQLite would drop them silently; this says so."""
    assert TRIGGERS[connection.vendor] <= trigger_names()


def test_items_and_kept_figures_are_read_in_one_query_without_the_updates_of_earlier_weeks(team, items):
    for kr in items:
        for back in range(3):
            make_update(kr, W33.shifted(-back), 10, current_value=Decimal(10))
    first = kept_rows(team, W33)
    with CaptureQueriesContext(connection) as queries:
        second = kept_rows(team, W33)
    # The items as plain rows, each with this week's update and its figures: no look-back.
    assert len(queries) == 1
    assert second == first
    assert [facts[5] for facts in second.values()] == [True, True, True]


def test_a_write_weeks_back_makes_the_later_figures_stale_until_worked_out_again(team, items):
    item = items[0]
    for back, progress in ((9, 10), (2, 30), (1, 30), (0, 30)):
        make_update(item, W33.shifted(-back), progress)
    assert kept_rows(team, W33)[item.pk][5] is True
    kept = KeyResultUpdateFigures.objects.get(update__key_result=item, update__week__starts_on=W33.monday)
    assert kept.worked_out_at == kept.stamp

    KeyResultUpdate.objects.filter(key_result=item, week__starts_on=W33.shifted(-2).monday).update(
        progress=Decimal(20)
    )
    kept.refresh_from_db()
    assert kept.worked_out_at != kept.stamp
    assert kept_rows(team, W33)[item.pk][5] is False
    kept.refresh_from_db()
    assert (kept.worked_out_at, kept.is_stalled) == (kept.stamp, False)
    # Beyond the window its week reads, a write changes nothing of it.
    stamp = kept.stamp
    make_update(item, W33.shifted(-LOOKBACK_WEEKS - 1), 5)
    kept.refresh_from_db()
    assert kept.stamp == stamp


def test_an_update_marked_done_is_no_longer_stalled(team, items):
    item = items[0]
    for back in (2, 1, 0):
        this_week = make_update(item, W33.shifted(-back), 30)
    assert kept_rows(team, W33)[item.pk][5] is True
    this_week.status = KeyResultUpdate.Status.DONE
    this_week.save()
    assert kept_rows(team, W33)[item.pk][2:6:3] == ("done", False)


@pytest.mark.parametrize("back", [LOOKBACK_WEEKS - 1, LOOKBACK_WEEKS])
def test_an_item_quiet_for_weeks_follows_a_write_to_its_last_update_at_the_windows_edge(team, items, back):
    item = items[0]
    oldest = make_update(item, W33.shifted(-back), 10)
    make_update(item, W33, 10)
    assert kept_rows(team, W33)[item.pk][1] == oldest.pk
    oldest.progress = Decimal(5)
    oldest.save()
    assert kept_rows(team, W33)[item.pk][4] == Decimal("5.00")
    oldest.delete()
    assert kept_rows(team, W33)[item.pk][1] is None


def test_an_items_new_target_makes_its_figures_stale(team, items):
    value_item = items[2]
    make_update(value_item, W33.shifted(-1), current_value=Decimal(20))
    make_update(value_item, W33, current_value=Decimal(30))
    assert kept_rows(team, W33)[value_item.pk][3:5] == (Decimal("60.00"), Decimal("40.00"))
    value_item.target_value = Decimal(40)
    value_item.save()
    assert kept_rows(team, W33)[value_item.pk][3:5] == (Decimal("75.00"), Decimal("50.00"))
    assert_no_current_figure_disagrees(team)


def test_a_week_moved_to_another_monday_renews_the_figures_that_read_it(team, items):
    item = items[0]
    for back in (3, 2, 1, 0):
        make_update(item, W33.shifted(-back), 30 if back < 3 else 10)
    kept_rows(team, W33)
    moved = Week.objects.get(starts_on=W33.shifted(-2).monday)
    # W31 becomes W29: the flat run of W31–W33 loses its anchor two weeks back.
    moved.starts_on, moved.year, moved.number = W33.shifted(-4).monday, 2024, 29
    moved.save()
    assert kept_rows(team, W33) == rows_from_the_updates(team, W33)
    assert kept_rows(team, W33)[item.pk][5] is False


def test_figures_worked_out_while_a_write_renews_their_stamp_stay_stale(team, items, monkeypatch):
    """The stamp is read before the updates: a write between the two reads leaves the figures stale."""
    item = items[0]
    make_update(item, W33.shifted(-1), 10)
    make_update(item, W33, 20)
    works_out = kept_look_back.okr_rows

    def written_meanwhile(*args, **kwargs):
        KeyResultUpdate.objects.filter(key_result=item, week__starts_on=W33.shifted(-1).monday).update(
            progress=Decimal(15)
        )
        return works_out(*args, **kwargs)

    monkeypatch.setattr(kept_look_back, "okr_rows", written_meanwhile)
    kept_rows(team, W33)
    kept = KeyResultUpdateFigures.objects.get(update__key_result=item, update__week__starts_on=W33.monday)
    assert kept.worked_out_at != kept.stamp
    monkeypatch.undo()
    assert kept_rows(team, W33) == rows_from_the_updates(team, W33)
