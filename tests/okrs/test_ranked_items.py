"""Key results read as plain rows give the rows instances give, and are made whole for printing.

okrs/ranked_items.py: the overview ranks a department's items from plain rows and reads the printed
ones whole. The look-back also puts each item's updates in week order itself (okrs/rules.py
`_history`), so the weeks here are created out of order: a week's id says nothing of its date.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.weeks import IsoWeek
from okrs.kept_look_back import okr_rows_of_teams
from okrs.models import KeyResult, Objective
from okrs.ranked_items import RankedItem, make_whole, ranked_items
from okrs.rules import ItemsOfTeams, active_key_results, okr_rows
from tests.factories import make_key_result, make_objective, make_team, make_update, make_user, make_week
from tests.okrs.test_look_back import row_facts

W33 = IsoWeek(2024, 33)


def figures(row) -> tuple:
    return (row.key_result.pk, *row_facts(row))


@pytest.fixture
def items():
    # The latest weeks first: their ids come before the older weeks'.
    for offset in range(14):
        make_week(W33.shifted(-offset))
    team = make_team()
    objective = make_objective(team, "O1")
    owner = make_user("owner")
    flat = make_key_result(objective, position=2, owner=owner, eta=dt.date(2024, 8, 1))
    valued = make_key_result(
        objective, position=1, measure=KeyResult.Measure.VALUE, start_value=10, target_value=60
    )
    rare = make_key_result(objective, position=0)
    for offset in range(6):
        week = W33.shifted(-offset)
        make_update(flat, week, 40)
        make_update(valued, week, current_value=60 - offset * 7)
    # Reported eight weeks ago and this week: its previous update lies before the recent weeks.
    make_update(rare, W33.shifted(-8), 20)
    make_update(rare, W33, 35)
    return team


@pytest.mark.django_db
def test_plain_items_give_the_rows_instances_give(items):
    queryset = active_key_results(objective__team=items)
    expected = [figures(row) for row in okr_rows(queryset, W33)]

    plain = ranked_items(queryset.select_related(None), {items.pk: items})
    rows = okr_rows(plain, W33, read=False, among=queryset)

    assert [figures(row) for row in rows] == expected
    assert all(isinstance(row.key_result, RankedItem) for row in rows)
    assert {row.key_result.objective.team for row in rows} == {items}
    # The stalled item, whose look-back the recent weeks settle; the rare one's previous update is older.
    assert [row.is_stalled for row in rows] == [False, False, True]
    assert rows[0].previous_percent == 20


@pytest.mark.django_db
def test_the_items_of_teams_give_the_rows_their_queryset_gives(items):
    # A second team's items, closed and open, and a team without any: the statements compiled for the
    # overview (ItemsOfTeams) read what the queryset reads, for one team or several, in as many queries.
    other = make_team("Risk", slug="risk")
    objective = make_objective(other, "R1")
    make_update(make_key_result(objective, position=0), W33, 50)
    make_key_result(objective, position=1, is_active=False)
    empty = make_team("Empty", slug="empty")
    teams = {team.pk: team for team in (items, other, empty)}
    for chosen in ([items.pk], [other.pk, items.pk], [empty.pk], list(teams)):
        queryset = active_key_results(objective__team__in=chosen)
        with CaptureQueriesContext(connection) as by_queryset:
            plain = ranked_items(queryset.select_related(None), teams)
            expected = [figures(row) for row in okr_rows(plain, W33, read=False, among=queryset)]
        # Read with their week's updates and these updates' kept figures (okrs/kept_look_back.py): the
        # first read works the figures out, the second reads them.
        for _read in range(2):
            rows = okr_rows_of_teams(ItemsOfTeams(chosen), teams, W33)
            assert [figures(row) for row in rows] == expected
            assert [row.key_result for row in rows] == plain
        # Read whole (the notes with the figures), the look-back runs as the queryset's does.
        with CaptureQueriesContext(connection) as by_teams:
            rows = okr_rows(plain, W33, read=False, among=ItemsOfTeams(chosen))
        assert [figures(row) for row in rows] == expected
        assert len(by_teams) == len(by_queryset) - 1
        whole = okr_rows(plain, W33, among=ItemsOfTeams(chosen))
        assert [(figures(row), row.note) for row in whole] == [
            (figures(row), row.note) for row in okr_rows(queryset, W33)
        ]


@pytest.mark.django_db
def test_made_whole_rows_print_without_more_queries(items, django_assert_num_queries):
    queryset = active_key_results(objective__team=items)
    rows = okr_rows(
        ranked_items(queryset.select_related(None), {items.pk: items}), W33, read=False, among=queryset
    )

    with django_assert_num_queries(1):
        make_whole(rows)
    with django_assert_num_queries(0):
        printed = [
            (row.key_result.title, row.key_result.objective.team.name, row.key_result.owner) for row in rows
        ]
        make_whole(rows)
    assert all(isinstance(row.key_result, KeyResult) for row in rows)
    assert [owner.username if owner else None for _title, _team, owner in printed] == [None, None, "owner"]
    assert {team for _title, team, _owner in printed} == {items.name}


@pytest.mark.django_db
def test_an_objective_moved_to_another_team_after_the_ranking_prints_its_new_team(items):
    """Made whole, an item's objective is given the team the ranking read; one moved since reads its own."""
    queryset = active_key_results(objective__team=items)
    rows = okr_rows(
        ranked_items(queryset.select_related(None), {items.pk: items}), W33, read=False, among=queryset
    )
    other = make_team("Risk", slug="risk")
    Objective.objects.filter(team=items).update(team=other)
    make_whole(rows)
    assert {row.key_result.objective.team.name for row in rows} == {"Risk"}
