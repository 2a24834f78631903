"""The OKR list at /okrs/: a week's progress, change since the previous update, status, ETA, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from okrs.models import KeyResult, KeyResultUpdate
from tests.factories import make_key_result, make_objective, make_team, make_update, make_user

URL = reverse("okr-list")
Status = KeyResultUpdate.Status


@pytest.fixture
def okrs(team, other_team):
    """【O1 业务服务】 items from the seed, reported in 2024-W32 and 2024-W33."""
    owner = make_user("zhang", first_name="San", last_name="Zhang")
    o1 = make_objective(team, "O1", title="业务服务", position=1)
    o2 = make_objective(team, "O2", title="能力升级", position=2)
    fee = make_key_result(o1, title="对公收佣", position=1, owner=owner, eta=dt.date(2024, 9, 10))
    bank = make_key_result(o1, title="新银收入", position=2, eta=dt.date(2024, 8, 15))
    deposit = make_key_result(o2, title="存管账户能力", position=1)
    make_update(fee, "2024-W32", 75)
    make_update(fee, "2024-W33", 80, note="资源申请进度80%")
    make_update(bank, "2024-W31", 85)
    make_update(bank, "2024-W33", 85, status=Status.AT_RISK, note="待专线打通后联调")
    make_update(deposit, "2024-W33", 30, status=Status.BLOCKED)
    old = make_objective(other_team, "O1", title="Old objective", period="2024-H1")
    done = make_key_result(old, title="Closed last half", is_active=False)
    make_update(done, "2024-W20", 100, status=Status.DONE)
    return {"fee": fee, "bank": bank, "deposit": deposit, "done": done}


def titles(response):
    return [row.record.title for row in response.context["table"].paginated_rows]


def is_highlighted(row) -> bool:
    return "past-eta" in row.attrs.get("class", "").split()


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_anonymous_is_sent_to_login(client, okrs):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_defaults_to_the_latest_week_with_updates(client_for, outsider, okrs):
    response = client_for(outsider).get(URL)
    assert response.status_code == 200
    assert str(response.context["selected_week"]) == "2024-W33"
    # The closed item of an earlier half has no update this week and stays out.
    assert titles(response) == ["对公收佣", "新银收入", "存管账户能力"]
    html = response.content.decode()
    assert "80%" in html and '<span class="tone-better">+5 pp</span>' in html
    # 新银收入 was last updated two weeks earlier: the change is against that update.
    assert '<span class="tone-unchanged">0 pp</span>' in html
    assert "资源申请进度80%" in html
    assert "San Zhang" in html
    assert ">At risk</span>" in html and ">Blocked</span>" in html


def test_past_eta_is_highlighted_against_the_shown_week(client_for, member, okrs):
    response = client_for(member).get(URL, {"week": "2024-W33"})
    rows = {row.record.title: row for row in response.context["table"].paginated_rows}
    assert is_highlighted(rows["新银收入"])
    assert not is_highlighted(rows["对公收佣"])
    assert 'class="past-eta-date"' in response.content.decode()
    earlier = client_for(member).get(URL, {"week": "2024-W32"})
    assert not any(is_highlighted(row) for row in earlier.context["table"].paginated_rows)


def test_done_items_are_not_past_their_eta(client_for, member, okrs):
    KeyResultUpdate.objects.filter(key_result=okrs["bank"], week__number=33).update(status=Status.DONE)
    response = client_for(member).get(URL, {"week": "2024-W33"})
    rows = {row.record.title: row for row in response.context["table"].paginated_rows}
    assert not is_highlighted(rows["新银收入"])


def test_an_earlier_week_shows_its_own_updates(client_for, member, okrs):
    response = client_for(member).get(URL, {"week": "2024-W32"})
    rows = {row.record.title: row.record for row in response.context["table"].paginated_rows}
    assert rows["对公收佣"].week_progress == 75
    assert rows["新银收入"].week_progress is None
    assert rows["新银收入"].previous_progress == 85


def test_a_closed_item_shows_in_a_week_it_was_updated(client_for, member, okrs):
    response = client_for(member).get(URL, {"week": "2024-W20"})
    assert titles(response) == ["对公收佣", "新银收入", "存管账户能力", "Closed last half"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"team": "payments"}, ["对公收佣", "新银收入", "存管账户能力"]),
        ({"team": "risk"}, []),
        ({"period": "2024-H2"}, ["对公收佣", "新银收入", "存管账户能力"]),
        ({"objective": "o2"}, ["存管账户能力"]),
        ({"status": "at_risk"}, ["新银收入"]),
        ({"status": "blocked"}, ["存管账户能力"]),
        ({"q": "专线"}, ["新银收入"]),
        ({"q": "能力升级"}, ["存管账户能力"]),
        ({"q": "对公"}, ["对公收佣"]),
    ],
)
def test_filters(client_for, member, okrs, params, expected):
    response = client_for(member).get(URL, {"week": "2024-W33", **params})
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"week": "2024-W54"}, "week"),
        ({"week": "W33"}, "week"),
        ({"team": "ghost"}, "team"),
        ({"period": "1999-H1"}, "period"),
        ({"status": "sleeping"}, "status"),
        ({"week": "2024-W99", "sort": "change"}, "week"),
        ({"week": "2024-W99", "sort": "-progress"}, "week"),
    ],
)
def test_bad_filter_values_show_an_error(client_for, member, okrs, params, field):
    response = client_for(member).get(URL, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert titles(response) == []


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("change", "新银收入"),
        ("-change", "对公收佣"),
        ("progress", "存管账户能力"),
        ("-progress", "新银收入"),
        ("eta", "新银收入"),
        ("status", "新银收入"),
    ],
)
def test_sorting(client_for, member, okrs, sort, first):
    response = client_for(member).get(URL, {"week": "2024-W33", "sort": sort})
    assert titles(response)[0] == first


@pytest.mark.parametrize("params", [{"sort": "bogus"}, {"page": "999"}, {"page": "x"}])
def test_bogus_sort_and_page_do_not_fail(client_for, member, okrs, params):
    response = client_for(member).get(URL, params)
    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_no_updates_at_all_lists_open_items(client_for, member, team):
    make_key_result(make_objective(team), title="Fresh")
    response = client_for(member).get(URL)
    assert response.status_code == 200
    assert response.context["selected_week"] is None
    assert titles(response) == ["Fresh"]
    assert "No key result has an update yet." in response.content.decode()


def test_value_measured_items_show_current_against_target(client_for, member, team):
    item = make_key_result(
        make_objective(team),
        title="新办卡",
        measure=KeyResult.Measure.VALUE,
        target_value=20,
        unit_label="张",
    )
    make_update(item, "2024-W33", current_value=12)
    html = client_for(member).get(URL).content.decode()
    assert "12.00 / 20.00张" in html


def test_csv_export_has_numbers_and_iso_dates(client_for, member, okrs):
    response = client_for(member).get(URL, {"_export": "csv"})
    assert 'filename="okrs-2024-W33.csv"' in response["Content-Disposition"]
    rows = {row["Key result"]: row for row in read_csv(response)}
    assert rows["对公收佣"]["Progress (%)"] == "80"
    assert rows["对公收佣"]["Change (pp)"] == "5"
    assert rows["对公收佣"]["ETA"] == "2024-09-10"
    assert rows["对公收佣"]["Objective"] == "O1 业务服务"
    assert rows["对公收佣"]["Period"] == "2024-H2"
    assert rows["新银收入"]["Past ETA"] == "yes"
    assert rows["新银收入"]["Status"] == "At risk"
    assert rows["存管账户能力"]["Change (pp)"] == ""


def test_xlsx_export_has_numeric_progress(client_for, member, okrs):
    response = client_for(member).get(URL, {"_export": "xlsx", "week": "2024-W33"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = sheet.iter_rows(values_only=True)
    records = {row[header.index("Key result")]: dict(zip(header, row, strict=True)) for row in rows}
    assert records["对公收佣"]["Progress (%)"] == 80
    assert records["对公收佣"]["Change (pp)"] == 5


def test_query_count_does_not_grow_with_history(client_for, member, django_assert_num_queries):
    client = client_for(member)

    def add_history(teams, items, weeks):
        for _ in range(teams):
            objective = make_objective(make_team())
            for _ in range(items):
                item = make_key_result(objective, owner=make_user())
                for week in range(weeks):
                    make_update(item, f"2024-W{30 + week:02d}", 10 * week)

    add_history(1, 1, 2)

    def page(queries):
        # Session, user, latest week, rows, the shown rows' week, team choices, period choices; and the
        # row count when the rows are more than the first page (a page that holds them all is their count).
        with django_assert_num_queries(queries):
            response = client.get(URL)
            assert response.status_code == 200
        return response

    page(7)
    add_history(6, 10, 3)
    assert len(titles(page(8))) == 50


def gap_and_value_items(team):
    """A progress item updated in W10 and W13 only, and an item measured by value from 0 to 200."""
    objective = make_objective(team, "O1")
    gap = make_key_result(objective, title="gap", position=1)
    make_update(gap, "2024-W10", 50)
    make_update(gap, "2024-W13", 60)
    value = make_key_result(
        objective, title="value", position=2, measure=KeyResult.Measure.VALUE, start_value=0, target_value=200
    )
    make_update(value, "2024-W12", current_value=50)
    make_update(value, "2024-W13", current_value=100)
    return gap, value


def test_change_of_a_value_measured_item_is_in_points_of_its_way_to_target(client_for, member, team):
    gap_and_value_items(team)
    response = client_for(member).get(URL, {"week": "2024-W13"})
    rows = {row.record.title: row for row in response.context["table"].paginated_rows}
    assert rows["gap"].get_cell("change") == '<span class="tone-better">+10 pp</span>'
    assert rows["value"].get_cell("change") == '<span class="tone-better">+25 pp</span>'
    exported = {
        row["Key result"]: row
        for row in read_csv(client_for(member).get(URL, {"week": "2024-W13", "_export": "csv"}))
    }
    assert exported["gap"]["Change (pp)"] == "10"
    assert exported["value"]["Change (pp)"] == "25"
    assert exported["value"]["Progress (%)"] == "50"


def test_sorting_by_change_and_progress_counts_value_measured_items(client_for, member, team):
    gap, value = gap_and_value_items(team)
    response = client_for(member).get(URL, {"week": "2024-W13", "sort": "-change"})
    assert titles(response) == ["value", "gap"]
    response = client_for(member).get(URL, {"week": "2024-W13", "sort": "progress"})
    assert titles(response) == ["value", "gap"]
    response = client_for(member).get(URL, {"week": "2024-W13", "sort": "-progress"})
    assert titles(response) == ["gap", "value"]


def test_past_eta_reads_a_status_older_than_the_look_back(
    client_for, member, team, django_assert_num_queries
):
    """The page reads the shown items' updates of the last 13 weeks; an item past its ETA whose last
    update is older still is flagged unless that update was "done", as the export decides."""
    objective = make_objective(team)
    eta = dt.date(2024, 3, 1)
    finished = make_key_result(objective, title="finished long ago", position=1, eta=eta)
    stalled = make_key_result(objective, title="stalled long ago", position=2, eta=eta)
    make_key_result(objective, title="never updated", position=3, eta=eta)
    later = make_key_result(objective, title="due later", position=4, eta=dt.date(2025, 1, 1))
    make_update(finished, "2024-W05", 100, status=Status.DONE)
    make_update(stalled, "2024-W05", 40, status=Status.AT_RISK)
    make_update(later, "2024-W05", 40, status=Status.AT_RISK)
    make_update(make_key_result(objective, title="current", position=5), "2024-W33", 10)
    client = client_for(member)
    # Session, user, rows, their weeks, team and period choices (the week is given, one page: no latest
    # week, no row count), and one for the status of the items past their ETA.
    with django_assert_num_queries(7):
        response = client.get(URL, {"week": "2024-W33"})
    rows = {row.record.title: row for row in response.context["table"].paginated_rows}
    flagged = {title for title, row in rows.items() if is_highlighted(row)}
    assert flagged == {"stalled long ago", "never updated"}
    exported = {row["Key result"]: row["Past ETA"] for row in read_csv(client.get(URL, {"_export": "csv"}))}
    assert exported == {title: "yes" if is_highlighted(row) else "" for title, row in rows.items()}
    # Without an item past its ETA and quiet for the whole look-back, no query for it.
    KeyResult.objects.filter(eta=eta).update(eta=None)
    with django_assert_num_queries(6):
        client.get(URL, {"week": "2024-W33"})


def test_a_team_board_reads_the_teams_once(client_for, member, okrs):
    """The team picked is found among the teams the select lists: one query for both."""
    client = client_for(member)
    with CaptureQueriesContext(connection) as unfiltered:
        client.get(URL)
    with CaptureQueriesContext(connection) as filtered:
        html = client.get(URL, {"team": "payments"}).content.decode()
    assert len(filtered) == len(unfiltered)
    assert sum('FROM "reports_team"' in query["sql"] for query in filtered.captured_queries) == 1
    assert re.search(r'<option value="payments" selected>', html)
    assert re.search(r'<option value="risk">', html)
