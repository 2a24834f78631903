"""The rows of the overview's mover lists ("Improved most", "Worse or off target") written in Python.

The overview keeps each shown row as this HTML under its team's data version (pages/overview.py), so a
view after a lead's save joins kept strings for the other teams' rows instead of unpickling their KPIs
and running them through the template again. `mover_row_list` prints what each pass of the row loop that
reports/_mover_list.html had printed, character for character (tests/pages/test_mover_rows_html.py
renders the old loop beside it, in both languages).
"""

from __future__ import annotations

from django.utils.translation import gettext

from common.formatting import escape_text as escape
from common.weeks import IsoWeek
from reports.comparison import format_absolute, format_relative, format_value
from reports.links import kpi_detail_href, team_week_href

# `{{ rows.html }}` in the template stands where the loop was; its whitespace is part of each row.
ROW_END = "\n    "


def _value(value, kpi) -> str:
    return "–" if value is None else escape(format_value(kpi, value))


def mover_row_list(rows, week: IsoWeek) -> list[str]:
    """KpiRows (pages/dashboards.py) of a ranked list, each as its `<tr>` markup; every value escaped."""
    detail, team_week_of = kpi_detail_href(), team_week_href(week)
    target_text = gettext("target %(target)s")
    written = []
    for row in rows:
        kpi, change = row.kpi, row.change
        tone = f"tone-{change.tone}"
        team = kpi.team
        team_week = team_week_of(team.slug)
        name = escape(kpi.name)
        relative = ""
        if change.relative is not None:
            relative = f'<br><span class="small">{escape(format_relative(change))}</span>'
        target = ""
        if change.target_met is False:
            text = target_text % {"target": _value(kpi.target, kpi)}
            target = f'<br><span class="badge badge-worse">{text}</span>'
        reasons = ""
        if row.reasons:
            joined = " · ".join(escape(reason) for reason in row.reasons)
            reasons = f'<tr class="reason-row"><td colspan="3" class="reason">{joined}</td></tr>'
        previous, current = _value(change.previous, kpi), _value(change.current, kpi)
        written.append(
            f'\n    <tr class="{tone}" data-kpi="{name}">\n'
            f'      <td class="mover-name"><a href="{detail(kpi.pk)}">{name}</a>'
            f'<a href="{team_week}" class="muted small mover-team">{escape(team.name)}</a></td>\n'
            f'      <td class="num">{previous} → <strong>{current}</strong></td>\n'
            f'      <td class="num {tone}">{escape(format_absolute(change))}{relative}\n'
            f"        {target}</td>\n"
            f"    </tr>\n    {reasons}{ROW_END}"
        )
    return written
