"""The rows of a week's OKR table (reports/_okr_table.html) written out in Python.

Through the template each row cost a progress bar tag, four filters, up to four `{% translate %}` tags
and two dozen variable lookups, and `row.update` built a model instance for the note alone: the team
week renders 20 rows twice (in their groups and in the full table) and that was the largest part of
its first render. `okr_rows` prints what the template's row loop printed, character for character
(tests/reports/test_okr_table_html.py renders both, in both languages).
"""

from __future__ import annotations

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from common.charts import progress_bar
from common.formatting import escape_text as escape
from reports.links import team_week_href
from reports.templatetags.report_tags import percent, signed_pp


def _owner(kr) -> str:
    owner = kr.owner
    if owner is None:
        return ""
    name = owner.get_full_name() or owner.get_username()
    return f'<span class="muted small">· {escape(name)}</span>'


def okr_rows(rows, show_team: bool, week) -> SafeString:
    """What `{% for row in rows %}…{% endfor %}` in reports/_okr_table.html printed.

    `week` is only read with `show_team` (the team's link), as in the template.
    """
    return mark_safe("".join(okr_row_list(rows, show_team, week)))  # noqa: S308 - every value is escaped


def okr_row_list(rows, show_team: bool, week) -> list[str]:
    """`okr_rows` one row at a time: a row's text (with its objective's heading row, on team pages)."""
    new = escape(gettext("new"))
    no_update = escape(gettext("no update"))
    stalled_badge = f'<span class="badge badge-warn">{escape(gettext("stalled"))}</span>'
    past_eta = f' <span class="badge badge-worse">{escape(gettext("past ETA"))}</span>'
    # Shown only where the table is stacked on a phone and its header is out of sight.
    eta_label = f'<span class="cell-label">{escape(gettext("ETA"))}</span> '
    team_week_of = team_week_href(week) if show_team else None
    last_objective = object()
    written = []
    for row in rows:
        kr = row.key_result
        objective = kr.objective
        parts = ["\n    "]
        # `{% ifchanged kr.objective_id %}`: a heading row when the objective changes (team pages only).
        if not show_team and kr.objective_id != last_objective:
            last_objective = kr.objective_id
            parts.append(
                f'<tr class="objective-row"><th colspan="5" scope="rowgroup"><span class="okr-code">'
                f"{escape(objective.code)}</span> {escape(objective.title)}</th></tr>"
            )
        stalled, overdue = row.is_stalled, row.is_overdue
        parts.append(
            f'\n    <tr class="okr-row{" is-stalled" if stalled else ""}{" is-overdue" if overdue else ""}">'
            "\n      "
        )
        code = ""
        if show_team:
            team = objective.team
            parts.append(f'<td class="team"><a href="{team_week_of(team.slug)}">{escape(team.name)}</a></td>')
            code = f'<span class="okr-code">{escape(objective.code)}</span> '
        note = row.note
        note_html = f'<div class="kpi-note">{linebreaksbr(note, autoescape=True)}</div>' if note else ""
        current, previous = row.percent, row.previous_percent
        if current is not None or previous is not None:
            progress = (
                f'{progress_bar(current, previous)} <span class="num">{escape(percent(current))}</span>'
            )
        else:
            progress = '<span class="muted">–</span>'
        delta = row.delta
        if delta is None:
            tone = "tone-neutral"
            # Reported this week for the first time.
            change = (
                f'<span class="badge badge-new">{new}</span>'
                if row.has_update and not row.has_previous
                else ""
            )
        else:
            tone = "tone-better" if delta > 0 else "tone-worse" if delta < 0 else "tone-neutral"
            change = escape(signed_pp(delta))
        if row.has_update:
            status = (
                f'<span class="badge status-{escape(row.status)}">{escape(row.get_status_display())}</span>'
            )
        else:
            status = f'<span class="muted">{no_update}</span>'
        eta = kr.eta.isoformat() if kr.eta else "–"
        if overdue:
            eta += past_eta
        parts.append(
            f'\n      <td class="okr-title">\n        {code}{escape(kr.title)}\n        {_owner(kr)}\n'
            f"        {note_html}\n      </td>\n"
            f'      <td class="progress-cell">{progress}</td>\n'
            f'      <td class="num {tone}">\n        {change}\n      </td>\n'
            f'      <td class="status">\n        {status}\n        {stalled_badge if stalled else ""}'
            "\n      </td>\n"
            f'      <td class="eta{" tone-worse" if overdue else ""}">{eta_label}{eta}</td>\n'
            f"    </tr>\n    "
        )
        written.append("".join(parts))
    return written
