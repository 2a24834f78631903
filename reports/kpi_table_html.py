"""The rows of a week's KPI table (reports/_kpi_table.html) written out in Python.

Through the template each row cost a `{% url %}`, a dozen filters and up to seven `{% translate %}`
tags: the table was the largest part of the team week's first render. `kpi_rows` prints what the
template's row loop printed, character for character (tests/reports/test_kpi_table_html.py renders both).
"""

from __future__ import annotations

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from common.formatting import escape_text as escape
from reports.templatetags.report_tags import (
    change_abs,
    change_rel,
    kpi_value,
    signed_kpi,
    sparkline,
    tone_arrow,
    tone_class,
)

_SENTINEL = 999999999


def _change_cells(row, change, kpi, tone: str) -> str:
    if change.is_new:
        new = escape(gettext("new"))
        return f'<td class="num change-abs" colspan="2"><span class="badge badge-new">{new}</span></td>'
    if kpi.is_running_total and change.absolute is not None:
        last = ""
        if row.move.previous_increment is not None:
            shown = conditional_escape(signed_kpi(row.move.previous_increment, kpi))
            last = " · " + gettext("last week %(last)s") % {"last": shown}
        kind = gettext("cumulative") if kpi.kind == "cumulative" else gettext("month to date")
        return (
            f'<td class="num change-abs running-total" colspan="2">{escape(change_abs(change))} '
            f'<span class="small muted">{escape(gettext("this week"))}{last}</span><br>'
            f'<span class="badge" title="{escape(kpi.get_kind_display())}">{escape(kind)}</span></td>'
        )
    if change.current is None:
        return f'<td class="num change-abs muted" colspan="2">{escape(gettext("no value"))}</td>'
    if change.relative is not None:
        relative = escape(change_rel(change))
    else:
        title = escape(gettext("Last week was 0: no relative change"))
        relative = f'<span class="muted" title="{title}">–</span>'
    return (
        f'<td class="num change-abs {tone}"><span class="arrow" aria-hidden="true">'
        f"{escape(tone_arrow(change))}</span> {escape(change_abs(change))}</td>\n"
        f'      <td class="num change-rel {tone}">{relative}</td>'
    )


def _target_cell(change, kpi) -> str:
    met = change.target_met
    if met is True or met is False:
        target = escape(kpi_value(kpi.target, kpi))
        badge, mark = ("badge-better", "✓") if met else ("badge-worse", "✗")
        title = escape(gettext("Target"))
        return f'<span class="badge {badge}" title="{title} {target}">{mark} {target}</span>\n        '
    if kpi.target is not None:
        return f'<span class="muted">{escape(kpi_value(kpi.target, kpi))}</span>'
    return ""


def _previous_inline(change, kpi) -> str:
    """Last week under this week's value, shown on a phone only (dashboards.css folds the column)."""
    if change.previous is None:
        return ""
    shown = conditional_escape(kpi_value(change.previous, kpi))
    return f'<span class="previous-inline">{gettext("last week %(value)s") % {"value": shown}}</span>'


def kpi_rows(rows) -> SafeString:
    """What `{% for row in group.rows %}…{% endfor %}` in reports/_kpi_table.html printed."""
    prefix, suffix = reverse("kpi-detail", kwargs={"pk": _SENTINEL}).rsplit(str(_SENTINEL), 1)
    parts = []
    for row in rows:
        change, kpi = row.change, row.kpi
        tone = escape(tone_class(change))
        name = escape(kpi.name)
        note = f'<div class="kpi-note">{linebreaksbr(row.note, autoescape=True)}</div>' if row.note else ""
        trend = conditional_escape(sparkline(row.trend, change.tone, kpi.name))
        parts.append(
            f'\n    <tr class="kpi-row {tone}" data-kpi="{name}" data-tone="{escape(change.tone)}" '
            f'id="kpi-{escape(kpi.pk)}">\n'
            f'      <th scope="row" class="kpi-name">\n'
            f'        <a href="{escape(f"{prefix}{kpi.pk}{suffix}")}">{name}</a>\n'
            f"        {note}\n"
            f"      </th>\n"
            f'      <td class="num current">{escape(kpi_value(change.current, kpi))}'
            f"{_previous_inline(change, kpi)}</td>\n"
            f'      <td class="num previous muted">{escape(kpi_value(change.previous, kpi))}</td>\n'
            f"      \n"
            f"      {_change_cells(row, change, kpi, tone)}\n"
            f"      \n"
            f'      <td class="target">\n'
            f"        {_target_cell(change, kpi)}\n"
            f"      </td>\n"
            f'      <td class="trend">{trend}</td>\n'
            f"    </tr>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
