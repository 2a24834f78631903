"""The week's OKR table rows written in Python print what the template's row loop printed."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from common.weeks import IsoWeek
from okrs.models import KeyResult, KeyResultUpdate
from pages.dashboards import team_week
from pages.overview import department_week
from reports.models import Team
from reports.okr_table_html import okr_rows
from tests.factories import make_key_result, make_objective, make_update, make_user

# The row loop of templates/reports/_okr_table.html before it moved to reports/okr_table_html.py.
BEFORE = (Path(__file__).parent / "okr_table_rows_before.html").read_text()
WEEK = IsoWeek.parse("2024-W33")


def old(rows, show_team: bool, week) -> str:
    template = Template("{% load i18n report_tags %}" + BEFORE.strip())
    return template.render(Context({"rows": rows, "show_team": show_team, "week": week}))


def tables(week: IsoWeek):
    """Every OKR table the two dashboards print: (rows, show_team)."""
    for team in Team.objects.all():
        data = team_week(team, week)
        yield data.okrs, False
        for group in data.okr_groups:
            yield group.rows, False
    for group in department_week(week).okr_groups:
        yield group.rows, True


def assert_both_ways(week: IsoWeek) -> int:
    compared = 0
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for rows, show_team in tables(week):
                assert str(okr_rows(rows, show_team, week)) == old(rows, show_team, week)
                compared += len(rows)
    return compared


@pytest.fixture
def edge_cases(team):
    """Every branch of a row: notes with markup, owners with and without a name, no ETA, stalled,
    overdue, went back, new, no update, a done item past its ETA, a value-measured item."""
    first = make_objective(team, code="O<1>", title="Grow & <keep>")
    second = make_objective(team, code="O2", title="二")
    owner = make_user("ada", first_name="Ada", last_name="L<o>")
    anonymous = make_user("no-name")
    advanced = make_key_result(first, title="<b>up</b>", owner=owner, eta=dt.date(2024, 9, 30))
    make_update(advanced, "2024-W31", 10)
    make_update(advanced, "2024-W33", "62.50", note="line one\nline <two> & three")
    stalled = make_key_result(first, title="flat", owner=anonymous, eta=dt.date(2024, 8, 1))
    for iso in ("2024-W30", "2024-W31", "2024-W32", "2024-W33"):
        make_update(stalled, iso, 40, status=KeyResultUpdate.Status.AT_RISK)
    back = make_key_result(second, title="went back")
    make_update(back, "2024-W32", 50)
    make_update(back, "2024-W33", "47.5", status=KeyResultUpdate.Status.BLOCKED)
    new = make_key_result(second, title="brand new", eta=dt.date(2024, 12, 1))
    make_update(new, "2024-W33", None, note="no figure yet")
    make_key_result(second, title="silent", eta=dt.date(2024, 8, 10))
    done = make_key_result(second, title="done late", eta=dt.date(2024, 8, 1))
    make_update(done, "2024-W32", 90)
    make_update(done, "2024-W33", 100, status=KeyResultUpdate.Status.DONE)
    value = make_key_result(
        second,
        title="by value",
        measure=KeyResult.Measure.VALUE,
        start_value=0,
        target_value=200,
        unit_label="笔",
    )
    make_update(value, "2024-W32", None, current_value=50)
    make_update(value, "2024-W33", None, current_value=50)
    return WEEK


def test_edge_cases(edge_cases):
    rows = team_week(Team.objects.get(), edge_cases).okrs
    assert len(rows) == 7
    written = str(okr_rows(rows, False, edge_cases))
    for mark in ("is-stalled", "is-overdue", "badge-new", "no update", "tone-worse", "&lt;two&gt;", "<br>"):
        assert mark in written
    assert assert_both_ways(edge_cases) >= 2 * 7


@pytest.fixture
def demo(db):
    # Per test: data committed beside a running xdist worker would leak into other modules' tests.
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())


def test_demo_weeks(demo):
    for week in (WEEK, WEEK.previous(), IsoWeek.parse("2024-W20")):
        assert assert_both_ways(week) > 0
