"""The OKR quarter view: progress over the quarter's weeks against a straight pace to the ETA; exports."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from common.quarters import Quarter
from common.weeks import IsoWeek
from okrs.quarter import key_results_in, quarter_progress
from tests.factories import make_key_result, make_objective, make_update

Q3 = Quarter(2024, 3)


def test_quarter_weeks_follow_the_thursday_rule():
    weeks = Q3.weeks()
    assert weeks[0] == IsoWeek(2024, 27) and weeks[-1] == IsoWeek(2024, 39)
    assert Quarter.of_week(IsoWeek(2024, 33)) == Q3
    assert Quarter.of_week(IsoWeek(2025, 1)) == Quarter(2025, 1)  # Mon 2024-12-30, Thu 2025-01-02
    assert len(Quarter(2020, 4).weeks()) == 14  # 2020-W53 belongs to Q4
    with pytest.raises(ValueError):
        Quarter.parse("2024-Q5")


@pytest.mark.parametrize("text", ["2024-Q3", "2024-q3", "2024Q3", "２０２４－Ｑ３"])
def test_a_quarter_is_read_as_people_type_it(text):
    assert Quarter.parse(text) == Q3


def item_with(team, eta, updates, code="O1"):
    kr = make_key_result(make_objective(team, code), title="item", eta=eta)
    for week, progress in updates:
        make_update(kr, week, progress)
    return kr


def test_pace_runs_from_the_quarter_start_to_100_on_the_eta(team):
    # Started the quarter at 20% (last figure before it), ETA the last day of W39 (Sun 29 Sep).
    kr = item_with(team, dt.date(2024, 9, 29), [("2024-W25", 20), ("2024-W30", 30), ("2024-W33", 40)])
    progress = quarter_progress([kr], Q3, today=dt.date(2024, 8, 14))[kr.pk]
    assert progress.start == 20 and progress.latest == 40 and progress.change == 20
    # As of W33 (Sun 18 Aug): 48 of 90 days from Mon 1 Jul → 20 + 80 × 48/90 = 62.67.
    assert progress.pace == Decimal("62.67")
    assert progress.against_pace == Decimal("-22.67")
    assert progress.figures[IsoWeek(2024, 30).number - 27] == 30


def test_quarter_page_lists_items_with_lines_and_exports_the_figures(client_for, manager, team):
    kr = item_with(team, dt.date(2024, 9, 29), [("2024-W27", 10), ("2024-W39", 100)])
    closed = item_with(team, None, [("2024-W28", 50)], code="O2")
    closed.is_active = False
    closed.save()
    assert set(key_results_in(Q3)) == {kr, closed}
    client = client_for(manager)
    url = reverse("okr-quarter", kwargs={"quarter": "2024-Q3"})
    html = client.get(url).content.decode()
    assert html.count('class="progress-line"') == 2
    response = client.get(url, {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-5:] == ["Start (%)", "Latest (%)", "Change (pp)", "Pace (%)", "Against pace (pp)"]
    # The quarter is over: the final figure, 90 pp gained, on pace (100 by the ETA).
    assert rows[1][-5:] == ["10", "100", "90", "100", "0"]


def test_quarter_page_is_linked_from_the_okr_list_and_team_week(client_for, manager, team):
    item_with(team, None, [("2024-W33", 10)])
    client = client_for(manager)
    link = reverse("okr-quarter", kwargs={"quarter": "2024-Q3"})
    assert link in client.get(reverse("okr-list"), {"week": "2024-W33"}).content.decode()
    week = client.get(reverse("team-week", kwargs={"team": team.slug, "week": "2024-W33"}))
    assert link in week.content.decode()


def test_quarter_view_refuses_anonymous_and_404s_on_impossible_quarters(client, client_for, manager):
    assert client.get("/okrs/quarters/2024-Q3/").status_code == 302
    assert client_for(manager).get("/okrs/quarters/2024-Q9/").status_code == 404
    assert client_for(manager).get("/okrs/quarters/0100-Q1/").status_code == 404
