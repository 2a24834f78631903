"""The KPI page's two long loops written out in Python: the value of every week and the chart's incidents.

Through the template, each of the 520 weeks of a ten-year history cost a `{% url %}` (a reverse()),
a dozen variable lookups and four filters, and each incident two reverses and a choices lookup: three
quarters of the page's time. Here the links are reversed once and filled in per row. The HTML is the
template's, character for character (tests/pages/test_kpi_history_html.py renders both).
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from common.weeks import IsoWeek
from incidents.models import Incident
from reports.comparison import format_absolute, format_relative, format_value

# `escape` is the standard library's: Django's (html.escape under a wrapper that checks every argument
# for a lazy string) prints the same text, and its wrapper was a fifth of these loops' time. Every
# value escaped here is a str already.

_SENTINEL_WEEK = IsoWeek(2000, 1)


def _link_maker(name: str, **kwargs):
    """reverse() once with a placeholder, then fill the placeholder in per row."""
    sentinel = str(_SENTINEL_WEEK)
    prefix, suffix = reverse(name, kwargs={**kwargs, "week": _SENTINEL_WEEK}).rsplit(sentinel, 1)
    prefix, suffix = escape(prefix), escape(suffix)
    # A week prints as digits, a dash and a W: nothing to escape.
    return lambda week: f"{prefix}{week}{suffix}"


def _linebreaksbr(text: str) -> str:
    """The `linebreaksbr` filter on a note: newlines normalised, escaped, then <br>."""
    if not text:
        return ""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


class ChartIncident(NamedTuple):
    """What the KPI page shows of an incident: a chart marker and a line in the list below it."""

    pk: int
    grade: str
    kind: str
    title: str
    week: IsoWeek


def chart_incidents(kpi, first: IsoWeek, last: IsoWeek) -> list[ChartIncident]:
    """The team's incidents over the weeks the chart spans, in one query, as plain rows: building
    an Incident and its Week for each of a team's hundreds of incidents was a tenth of the page."""
    rows = (
        Incident.objects.filter(
            team_id=kpi.team_id, week__starts_on__gte=first.monday, week__starts_on__lte=last.monday
        )
        .order_by("started_at", "pk")
        .values_list("pk", "grade", "kind", "title", "week__year", "week__number")
    )
    return [
        ChartIncident(pk, grade, kind, title, IsoWeek(year, number))
        for pk, grade, kind, title, year, number in rows
    ]


def history_rows(kpi, rows) -> SafeString:
    """What `{% for row in rows %}…{% endfor %}` in reports/kpi_detail.html printed."""
    team_week = _link_maker("team-week", team=kpi.team.slug)
    new = escape(gettext("new"))
    new_cells = (
        f'\n        <td class="num" colspan="2"><span class="badge badge-new">{new}</span></td>\n        '
    )

    targets = {
        True: '<span class="badge badge-better">✓</span>',
        False: '<span class="badge badge-worse">✗</span>',
        None: "",
    }
    parts = []
    for row in rows:
        change = row.change
        # Tones are fixed words (reports.comparison.Tone): nothing to escape.
        tone = f"tone-{change.tone}"
        week = str(row.week)
        current = "–" if change.current is None else escape(format_value(kpi, change.current))
        if change.is_new:
            changes = new_cells
        else:
            relative = format_relative(change)
            # format_relative prints "" exactly when there is no relative change.
            relative = escape(relative) if relative else "–"
            changes = (
                f'\n        <td class="num {tone}">{escape(format_absolute(change))}</td>\n'
                f'        <td class="num {tone}">{relative}</td>\n        '
            )
        parts.append(
            f'\n      <tr class="{tone}" data-week="{week}">\n'
            f'        <td><a href="{team_week(week)}">{week}</a></td>\n'
            f'        <td class="num">{current}</td>\n        {changes}'
            f"\n        <td>{targets[change.target_met]}</td>\n"
            f'        <td class="kpi-note">{_linebreaksbr(row.value.note)}</td>\n      </tr>\n      '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def incident_items(kpi, incidents: list[ChartIncident]) -> SafeString:
    """What `{% for incident in incidents %}…{% endfor %}` in reports/kpi_detail.html printed."""
    team_week = _link_maker("team-week", team=kpi.team.slug)
    sentinel = 999999999
    detail_prefix, detail_suffix = reverse("incident-detail", kwargs={"pk": sentinel}).rsplit(
        str(sentinel), 1
    )
    detail_prefix, detail_suffix = escape(detail_prefix), escape(detail_suffix)
    kinds = {value: escape(str(label)) for value, label in Incident._meta.get_field("kind").flatchoices}
    parts = []
    for incident in incidents:
        week = str(incident.week)
        grade = escape(incident.grade) if incident.grade else ""
        badge = f"badge grade-{grade}" if grade else "badge"
        kind = kinds.get(incident.kind) or escape(incident.kind)
        parts.append(
            f'\n    <li data-week="{week}"><span class="{badge}">{grade or "–"}</span> '
            f'<a href="{team_week(week)}">{week}</a> · '
            f'<a href="{detail_prefix}{incident.pk}{detail_suffix}">{escape(incident.title)}</a> '
            f'<span class="muted small">{kind}</span></li>\n    '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
