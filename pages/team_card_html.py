"""A team's card on the overview written in Python: what the card's template printed.

The overview builds a card for each team whose part is not kept: thirty on the first view after a
restart at scale 100, where the template's tags, filters and lookups were ~40 ms of the page. The
HTML is the template's, character for character: tests/pages/test_team_card_html.py renders the old
template (kept in tests/pages/team_card_before.html) beside it, in both languages, on the demo weeks
and on an edge-case fixture.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from common.charts import sparkline
from common.formatting import escape_text as escape
from reports.comparison import format_absolute, format_relative, format_value
from reports.links import kpi_detail_href, team_week_href
from reports.models import WeeklyReport

# Model.get_status_display rebuilds the field's choices on every call: the same label from a table.
_STATUS_LABELS = dict(WeeklyReport.Status.choices)


class _Shared:
    """What every card of one page prints alike, worked out once: thirty cards called reverse() and
    gettext for the same links and labels thirty times (bench/FINDINGS.md §22)."""

    def __init__(self, week):
        self.detail, self.team_week = kpi_detail_href(), team_week_href(week)
        self.new = f'<span class="badge badge-new">{gettext("new")}</span>'
        self.no_report = f'<span class="badge badge-warn">{gettext("No report")}</span>'
        self.no_kpis = f'\n  <p class="muted small">{gettext("No KPIs defined.")}</p>\n  '
        self.kpi_list = reverse("kpi-list")
        # A template's `{% translate "…" %}` of a literal prints the catalogue's text as it is.
        self.open_week = gettext("Open the team's week →")


def _headline_rows(rows, shared: _Shared) -> str:
    detail, new = shared.detail, shared.new
    written = []
    for row in rows:
        kpi, change = row.kpi, row.change
        tone = f"tone-{change.tone}"
        name = escape(kpi.name)
        reasons = ""
        if row.reasons:
            reasons = f'<span class="reason">{" · ".join(escape(reason) for reason in row.reasons)}</span>'
        current = "–" if change.current is None else escape(format_value(kpi, change.current))
        if change.is_new:
            moved = new
        else:
            moved = escape(format_absolute(change))
            if change.relative is not None:
                relative = escape(format_relative(change))
                moved += f'<span class="small rel">{f"({relative})" if kpi.is_percent else relative}</span>'
        link = f'<a href="{detail(kpi.pk)}">{name}</a>'
        written.append(
            f'\n      <tr class="{tone}" data-kpi="{name}">\n'
            f'        <th scope="row">{link}{reasons}</th>\n'
            f'        <td class="num current">{current}</td>\n'
            f'        <td class="num change {tone}">{moved}</td>\n'
            f'        <td class="trend">{sparkline(row.trend or [], tone=change.tone, label=kpi.name)}</td>\n'
            "      </tr>\n      "
        )
    return "".join(written)


def _count(count: int, singular: str, plural: str, tone: str, rows: str) -> str:
    """The count as a link to the KPI list of exactly those values (reports/week_news.py)."""
    if not count:
        return ""
    text = ngettext(singular, plural, count) % {"n": escape(localize(count))}
    return f'<a class="{tone}" href="{rows}">{text}</a>'


def team_cards(items, week) -> list[str]:
    """The cards of TeamOverviews (pages/overview.py), each read from its item and `week` only."""
    if not items:
        return []
    shared = _Shared(week)
    return [_card(item, week, shared) for item in items]


def team_card(item, week) -> str:
    return team_cards([item], week)[0]


def _status(report) -> str:
    label = force_str(_STATUS_LABELS.get(report.status, report.status), strings_only=True)
    return f'<span class="badge status-{escape(report.status)}">{escape(label)}</span>'


def _card(item, week, shared: _Shared) -> str:
    team, report = item.team, item.report
    team_week = shared.team_week(team.slug)
    status = _status(report) if report else shared.no_report
    headline = item.headline
    if headline:
        body = (
            '\n  <div class="table-scroll" tabindex="0"><table class="headline">\n    <tbody>\n      '
            f"{_headline_rows(headline, shared)}\n    </tbody>\n  </table></div>\n  "
        )
    else:
        body = shared.no_kpis
    values = escape(f"{shared.kpi_list}?{urlencode({'week': str(week), 'team': team.slug})}")
    better = _count(item.better, "%(n)s better", "%(n)s better", "tone-better", f"{values}&amp;change=better")
    worse = _count(item.worse, "%(n)s worse", "%(n)s worse", "tone-worse", f"{values}&amp;change=worse")
    open_week = shared.open_week
    return (
        '\n<article class="card team-card">\n  <header class="team-card-head">\n'
        f'    <h3><a href="{team_week}">{escape(team.name)}</a></h3>\n'
        f"    {status}\n  </header>\n  {body}\n"
        f'  <p class="small team-counts">\n    {better}\n    {worse}\n'
        f'    <a href="{team_week}">{open_week}</a>\n'
        "  </p>\n</article>\n"
    )
