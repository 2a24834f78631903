"""The overview's team cards written in Python print what the card's template printed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation

from common.weeks import IsoWeek
from pages.overview import department_week
from pages.team_card_html import team_card
from reports.models import KPI, WeeklyReport
from tests.factories import make_kpi, make_report, make_team, make_value

# templates/reports/_team_card.html before pages/team_card_html.py wrote the cards.
BEFORE = (Path(__file__).parent / "team_card_before.html").read_text()
WEEK = IsoWeek.parse("2024-W33")


def old(item, week: IsoWeek) -> str:
    return Template(BEFORE).render(Context({"item": item, "week": week}))


def assert_both_ways(week: IsoWeek) -> str:
    """Every card of the week's overview, both ways in both languages; returns what was printed."""
    printed = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for item in department_week(week).teams:
                printed.append(team_card(item, week))
                assert printed[-1] == old(item, week)
                # The page prints the card it keeps.
                assert str(item.card) == printed[-1]
    return "".join(printed)


@pytest.mark.django_db
def test_the_demo_weeks_print_as_the_template_printed():
    call_command("load_demo", force=True, verbosity=0)
    printed = "".join(assert_both_ways(IsoWeek.parse(week)) for week in ("2024-W31", "2024-W32", "2024-W33"))
    assert printed.count('class="card team-card"') >= 9
    assert "<svg" in printed


@pytest.mark.django_db
def test_markup_statuses_new_figures_and_empty_teams_print_as_the_template_printed():
    team = make_team("R&D <ops>", slug="r-d")
    make_report(team, WEEK, status=WeeklyReport.Status.SUBMITTED)
    make_team("No KPIs 'yet'", slug="empty")
    percent = make_kpi(
        team, "<b>Success</b> & 'rate'", unit=KPI.Unit.PERCENT, decimals=2, target=Decimal("99.9")
    )
    make_value(percent, "2024-W32", "99.95")
    make_value(percent, "2024-W33", "99.12")
    new_figure = make_kpi(team, "new figure", unit_label="笔")
    make_value(new_figure, "2024-W33", 3)
    from_zero = make_kpi(team, "from zero")
    make_value(from_zero, "2024-W32", 0)
    make_value(from_zero, "2024-W33", 12)
    printed = assert_both_ways(WEEK)
    assert "R&amp;D &lt;ops&gt;" in printed
    assert "&lt;b&gt;Success&lt;/b&gt;" in printed
    assert "badge-new" in printed
    assert "status-submitted" in printed
    assert "badge badge-warn" in printed  # the team without a report
    assert 'class="muted small"' in printed  # the team without KPIs
    assert "tone-better" in printed and "tone-worse" in printed
