"""okrs.rules is the one home of overdue, stalled and moved: every page gives the same answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from common.weeks import IsoWeek
from okrs.models import KeyResultUpdate
from okrs.progress import recent_updates
from okrs.rules import active_key_results, has_moved, is_overdue, okr_rows, read_updates
from pages import overview as overview_page
from tests.factories import make_key_result, make_objective, make_update

W33 = IsoWeek(2024, 33)
Status = KeyResultUpdate.Status


def overdue_titles_on_the_overview():
    return {row.key_result.title for row in overview_page.department_week(W33).okr_groups.overdue.rows}


def past_eta_rows_on_the_okr_list(client_for, manager) -> str:
    return client_for(manager).get(reverse("okr-list"), {"week": str(W33)}).content.decode()


@pytest.mark.django_db
def test_done_last_week_with_no_update_this_week_is_overdue_nowhere(client_for, manager, team):
    """The regression: done in W32, ETA 1 August, no W33 update. The overview said on time while the
    OKR list painted the row red."""
    objective = make_objective(team, "O2", title="能力升级")
    finished = make_key_result(objective, title="存管账户能力", eta=dt.date(2024, 8, 1))
    make_update(finished, "2024-W32", 100, status=Status.DONE)
    late = make_key_result(objective, title="对公收佣", eta=dt.date(2024, 8, 1))
    make_update(late, "2024-W32", 60, status=Status.ON_TRACK)

    assert overdue_titles_on_the_overview() == {"对公收佣"}
    html = past_eta_rows_on_the_okr_list(client_for, manager)
    rows = [row for row in html.split("<tr") if "存管账户能力" in row or "对公收佣" in row]
    assert len(rows) == 2
    assert ["past-eta" in row for row in rows] == ["对公收佣" in row for row in rows]


@pytest.mark.django_db
def test_an_item_reopened_after_done_is_overdue_again(client_for, manager, team):
    objective = make_objective(team, "O1")
    item = make_key_result(objective, title="新银收入", eta=dt.date(2024, 8, 1))
    make_update(item, "2024-W31", 100, status=Status.DONE)
    make_update(item, "2024-W32", 90, status=Status.AT_RISK)

    assert overdue_titles_on_the_overview() == {"新银收入"}
    html = past_eta_rows_on_the_okr_list(client_for, manager)
    row = next(row for row in html.split("<tr") if "新银收入" in row)
    assert "past-eta" in row


@pytest.mark.parametrize(
    ("eta", "status", "expected"),
    [
        (None, None, False),
        (dt.date(2024, 8, 18), None, True),  # the week's Sunday: due by the end of the shown week
        (dt.date(2024, 8, 19), None, False),
        (dt.date(2024, 8, 1), Status.DONE, False),
        (dt.date(2024, 8, 1), Status.BLOCKED, True),
    ],
)
def test_overdue_is_the_eta_by_the_weeks_end_and_not_done(eta, status, expected):
    assert is_overdue(eta, status, W33) is expected
    assert is_overdue(eta, status, None) is False


def test_moved_means_any_change_either_way():
    assert has_moved(Decimal("5")) and has_moved(Decimal("-20"))
    assert not has_moved(Decimal("0")) and not has_moved(None)


def test_rows_carry_the_updates_the_look_back_query_loads(team):
    """okr_rows builds this week's and the previous update from plain rows: the same objects as
    `recent_updates` loads, field for field, with their week."""
    objective = make_objective(team)
    first, second = make_key_result(objective), make_key_result(objective)
    for week, progress in (("2024-W30", 10), ("2024-W31", 20), ("2024-W33", 20)):
        make_update(first, week, progress, note=f"note {week}")
    make_update(second, "2024-W32", 5, status="at_risk")
    week = IsoWeek.parse("2024-W33")
    loaded = recent_updates([first.pk, second.pk], week)
    rows = {row.key_result.pk: row for row in okr_rows(active_key_results(objective=objective), week)}

    def fields(update):
        return {key: value for key, value in update.__dict__.items() if not key.startswith("_")} | {
            "week": update.week.__dict__ | {"_state": None}
        }

    assert fields(rows[first.pk].update) == fields(loaded[first.pk][-1])
    assert fields(rows[first.pk].previous) == fields(loaded[first.pk][-2])
    assert rows[second.pk].update is None
    assert fields(rows[second.pk].previous) == fields(loaded[second.pk][-1])
    assert rows[first.pk].previous.get_deferred_fields() == loaded[first.pk][-2].get_deferred_fields()


def test_rows_of_figures_only_read_their_updates_when_printed(team, django_assert_num_queries):
    """`read=False` (the overview's ranking of a department's items) reads the updates' figures from the
    index; `read_updates` then reads the printed rows' whole updates in one query, and a row nobody read
    reads its own: either way the same notes, statuses and updates as rows read whole."""
    objective = make_objective(team)
    items = [make_key_result(objective) for _ in range(3)]
    for index, item in enumerate(items):
        make_update(item, "2024-W32", 10 + index, note=f"before {index}")
        make_update(item, "2024-W33", 20 + index, status=Status.AT_RISK, note=f"now {index}")
    whole = okr_rows(active_key_results(objective=objective), W33)

    def facts(row):
        return (row.status, row.get_status_display(), row.note, row.update.pk, row.previous.note)

    figures_only = okr_rows(active_key_results(objective=objective), W33, read=False)
    assert all(row.update_values is None and row.previous_values is None for row in figures_only)
    with django_assert_num_queries(1):
        read_updates(figures_only[:2])
    with django_assert_num_queries(0):
        read_updates(figures_only[:2])
        printed = [facts(row) for row in figures_only[:2]]
    with django_assert_num_queries(1):
        printed.append(facts(figures_only[2]))
    assert printed == [facts(row) for row in whole]
    assert printed[0] == ("at_risk", "At risk", "now 0", whole[0].update.pk, "before 0")


def test_an_update_deleted_after_its_figures_were_read_reads_as_none(team):
    objective = make_objective(team)
    item = make_key_result(objective)
    make_update(item, "2024-W33", 40, note="gone")
    (row,) = okr_rows(active_key_results(objective=objective), W33, read=False)
    KeyResultUpdate.objects.filter(key_result=item).delete()
    read_updates([row])
    assert (row.has_update, row.note, row.update) == (True, "", None)


def test_a_sliced_queryset_of_items_is_read_by_its_ids(team):
    objective = make_objective(team)
    items = [make_key_result(objective) for _ in range(3)]
    for item in items:
        make_update(item, "2024-W33", 30)
    rows = okr_rows(active_key_results(objective=objective)[:2], W33)
    assert [(row.key_result.pk, row.percent) for row in rows] == [
        (item.pk, Decimal(30)) for item in items[:2]
    ]
