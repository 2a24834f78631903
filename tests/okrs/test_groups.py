"""A week's key results in four honest groups (advanced, went back, started, stalled) plus overdue."""

import datetime as dt

from django.urls import reverse

from common.weeks import IsoWeek
from okrs.rules import active_key_results, okr_groups, okr_rows
from tests.factories import make_key_result, make_objective, make_update

W33 = IsoWeek(2024, 33)


def titles(group):
    return [row.key_result.title for row in group.rows]


def test_one_item_of_each_group_lands_in_its_group_only(team):
    objective = make_objective(team, "O1")
    histories = {
        "advanced": [("2024-W32", 80), (W33, 85)],
        "went back": [("2024-W32", 80), (W33, 60)],  # a regression is never "progress"
        "started": [("2024-W32", None), (W33, 15)],  # — → 15%: first progress
        "started from zero": [("2024-W32", 0), (W33, 10)],
        "stalled": [("2024-W31", 30), ("2024-W32", 30), (W33, 30)],
        "moved last week only": [("2024-W31", 20), ("2024-W32", 25), (W33, 25)],
        "overdue": [("2024-W32", 40), (W33, 40)],
    }
    for title, updates in histories.items():
        eta = dt.date(2024, 8, 10) if title == "overdue" else None
        item = make_key_result(objective, title=title, eta=eta)
        for week, progress in updates:
            make_update(item, week, progress)

    groups = okr_groups(okr_rows(active_key_results(objective__team=team), W33))

    assert titles(groups.advanced) == ["advanced"]
    assert titles(groups.went_back) == ["went back"]
    assert titles(groups.started) == ["started", "started from zero"]
    assert titles(groups.stalled) == ["stalled"]
    assert titles(groups.overdue) == ["overdue"]
    assert [group.key for group in groups] == ["advanced", "went_back", "started", "stalled", "overdue"]


def test_groups_cap_their_rows_but_keep_the_full_count(team):
    objective = make_objective(team, "O1")
    for index in range(5):
        item = make_key_result(objective, title=f"kr{index}")
        make_update(item, "2024-W32", 10)
        make_update(item, W33, 20 + index)
    groups = okr_groups(okr_rows(active_key_results(objective__team=team), W33), limit=2)
    assert groups.advanced.total == 5
    assert titles(groups.advanced) == ["kr4", "kr3"]  # biggest move first


def test_overview_and_team_week_show_the_groups(client_for, manager, team):
    objective = make_objective(team, "O1")
    back = make_key_result(objective, title="went back")
    make_update(back, "2024-W32", 80)
    make_update(back, W33, 60)
    client = client_for(manager)
    overview = client.get(reverse("department-week", kwargs={"week": W33})).content.decode()
    assert 'id="okr-went_back"' in overview and "went back" in overview
    week = client.get(reverse("team-week", kwargs={"team": team.slug, "week": W33})).content.decode()
    assert 'href="#okr-went_back"' in week and 'id="okr-went_back"' in week
