"""The overview's mover rows written in Python print what the template's row loop printed."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation

from common.weeks import IsoWeek
from pages.mover_rows_html import mover_row_list
from pages.overview import department_week
from reports.models import KPI
from tests.factories import make_kpi, make_team, make_value

# The row loop of templates/reports/_mover_list.html before it moved to pages/mover_rows_html.py.
BEFORE = (Path(__file__).parent / "mover_rows_before.html").read_text()
WEEK = IsoWeek.parse("2024-W33")


def old(rows, week: IsoWeek) -> str:
    template = Template("{% load i18n report_tags %}" + BEFORE)
    return template.render(Context({"rows": rows, "week": week}))


def new(rows, week: IsoWeek) -> str:
    # The loop file ends with a newline, as the template went on after the loop.
    return "    " + "".join(mover_row_list(rows, week)) + "\n"


def assert_both_ways(week: IsoWeek) -> str:
    """Every mover row of the week's overview, both ways in both languages; returns what was printed."""
    printed = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            page = department_week(week)
            for rows in (page.improved, page.attention):
                rows = list(rows)
                printed.append(new(rows, week))
                assert printed[-1] == old(rows, week)
    return "".join(printed)


@pytest.mark.django_db
def test_the_demo_weeks_print_as_the_template_printed():
    call_command("load_demo", force=True, verbosity=0)
    printed = "".join(assert_both_ways(IsoWeek.parse(week)) for week in ("2024-W31", "2024-W32", "2024-W33"))
    assert printed.count("<tr ") > 10


@pytest.mark.django_db
def test_markup_targets_new_figures_and_zero_bases_print_as_the_template_printed():
    team = make_team("R&D <ops>", slug="r-d")
    percent = make_kpi(
        team, "<b>Success</b> & 'rate'", unit=KPI.Unit.PERCENT, decimals=2, target=Decimal("99.9")
    )
    make_value(percent, "2024-W32", "99.95")
    make_value(percent, "2024-W33", "99.12")
    from_zero = make_kpi(team, "from zero", unit_label="笔")
    make_value(from_zero, "2024-W32", 0)
    make_value(from_zero, "2024-W33", 12)
    new_figure = make_kpi(team, "new figure", target=Decimal(5))
    make_value(new_figure, "2024-W33", 3)
    lower = make_kpi(team, "latency", direction=KPI.Direction.LOWER_IS_BETTER, decimals=1)
    for week, value in (("2024-W28", 10), ("2024-W29", 10.2), ("2024-W30", 10.1), ("2024-W31", 10.3)):
        make_value(lower, week, value)
    make_value(lower, "2024-W32", "10.2")
    make_value(lower, "2024-W33", "31.4")
    printed = assert_both_ways(WEEK)
    # The branches a row has: escaped names, a missed target, a reason row, no relative change.
    assert "&lt;b&gt;Success&lt;/b&gt; &amp; &#x27;rate&#x27;" in printed
    assert "R&amp;D &lt;ops&gt;" in printed
    assert "badge badge-worse" in printed
    assert "reason-row" in printed
    from_zero_row = re.search(r'data-kpi="from zero">.*?</tr>', printed, re.S).group()
    assert '<span class="small">' not in from_zero_row  # no relative change from a zero base
