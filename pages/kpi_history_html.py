"""The KPI page's two long loops written out in Python: the value of every week and the chart's incidents.

Through the template, each of the 520 weeks of a ten-year history cost a `{% url %}` (a reverse()),
a dozen variable lookups and four filters, and each incident two reverses and a choices lookup: three
quarters of the page's time. Here the links are reversed once and filled in per row. The HTML is the
template's, character for character (tests/pages/test_kpi_history_html.py renders both).
"""

from __future__ import annotations

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from common.weeks import IsoWeek
from incidents.models import Incident
from reports.comparison import format_absolute, format_relative, format_value

_SENTINEL_WEEK = IsoWeek(2000, 1)


def _link_maker(name: str, **kwargs):
    """reverse() once with a placeholder, then fill the placeholder in per row."""
    sentinel = str(_SENTINEL_WEEK)
    prefix, suffix = reverse(name, kwargs={**kwargs, "week": _SENTINEL_WEEK}).rsplit(sentinel, 1)
    return lambda week: escape(f"{prefix}{week}{suffix}")


def history_rows(kpi, rows) -> SafeString:
    """What `{% for row in rows %}…{% endfor %}` in reports/kpi_detail.html printed."""
    team_week = _link_maker("team-week", team=kpi.team.slug)
    new = escape(gettext("new"))
    parts = []
    for row in rows:
        change = row.change
        tone = escape(f"tone-{change.tone}")
        week = escape(str(row.week))
        current = "–" if change.current is None else escape(format_value(kpi, change.current))
        parts.append(
            f'\n      <tr class="{tone}" data-week="{week}">\n'
            f'        <td><a href="{team_week(row.week)}">{week}</a></td>\n'
            f'        <td class="num">{current}</td>\n        '
        )
        if change.is_new:
            parts.append(
                f'\n        <td class="num" colspan="2"><span class="badge badge-new">{new}</span></td>'
            )
            parts.append("\n        ")
        else:
            relative = escape(format_relative(change)) if change.relative is not None else "–"
            parts.append(
                f'\n        <td class="num {tone}">{escape(format_absolute(change))}</td>\n'
                f'        <td class="num {tone}">{relative}</td>\n        '
            )
        met = change.target_met
        target = (
            '<span class="badge badge-better">✓</span>'
            if met is True
            else '<span class="badge badge-worse">✗</span>'
            if met is False
            else ""
        )
        note = linebreaksbr(row.value.note, autoescape=True)
        parts.append(
            f'\n        <td>{target}</td>\n        <td class="kpi-note">{note}</td>\n      </tr>\n      '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def incident_items(kpi, incidents) -> SafeString:
    """What `{% for incident in incidents %}…{% endfor %}` in reports/kpi_detail.html printed."""
    team_week = _link_maker("team-week", team=kpi.team.slug)
    sentinel = 999999999
    detail_prefix, detail_suffix = reverse("incident-detail", kwargs={"pk": sentinel}).rsplit(
        str(sentinel), 1
    )
    kinds = {value: str(label) for value, label in Incident._meta.get_field("kind").flatchoices}
    parts = []
    for incident in incidents:
        iso = incident.week.iso
        week = escape(str(iso))
        grade = escape(incident.grade) if incident.grade else ""
        badge = f"badge grade-{grade}" if incident.grade else "badge"
        kind = escape(kinds.get(incident.kind, incident.kind))
        detail = escape(f"{detail_prefix}{incident.pk}{detail_suffix}")
        parts.append(
            f'\n    <li data-week="{week}"><span class="{badge}">{grade or "–"}</span> '
            f'<a href="{team_week(iso)}">{week}</a> · <a href="{detail}">{escape(incident.title)}</a> '
            f'<span class="muted small">{kind}</span></li>\n    '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
