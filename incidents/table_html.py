"""The rows of the week's incident table (reports/_incident_summary.html) written out in Python.

Through the template each row cost a `{% url %}`, a `{% blocktranslate %}`, two choice displays and
a dozen lookups: ~1,400 calls a row, and the overview lists fifteen. `incident_rows` prints what the
template's row loop printed, character for character (tests/reports/test_incident_rows_html.py
renders both, in both languages).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils import dateformat
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from incidents.models import Incident
from reports.templatetags.report_tags import duration, share

_KINDS = dict(Incident.Kind.choices)
_DETECTIONS = dict(Incident.Detection.choices)
_PLACEHOLDER = 999999999


def _text(value) -> str:
    return escape(force_str(value), quote=True)


def incident_rows(incidents: Iterable[Incident], show_team: bool) -> SafeString:
    return mark_safe("".join(incident_row_list(incidents, show_team)))  # noqa: S308 - every value is escaped


def incident_row_list(incidents: Iterable[Incident], show_team: bool) -> list[str]:
    """`incident_rows` one row at a time."""
    detail = reverse("incident-detail", kwargs={"pk": _PLACEHOLDER})
    open_label = _text(gettext("open"))
    # Shown only where the table is stacked on a phone and its header is out of sight.
    grade_label = f'<span class="cell-label">{_text(gettext("Grade"))}</span> '
    resolve_label = f'<span class="cell-label">{_text(gettext("Time to resolve"))}</span> '

    parts = []
    for incident in incidents:
        started = dateformat.format(template_localtime(incident.started_at), "Y-m-d H:i")
        team = f'<td class="team">{_text(incident.team.name)}</td>' if show_team else ""
        about = _text(_KINDS.get(incident.kind, incident.kind))
        if incident.affected_system:
            about += f" · {_text(incident.affected_system)}"
        if incident.impact_count is not None:
            failed = ngettext(
                "%(failed)s failed operation", "%(failed)s failed operations", incident.impact_count
            ) % {"failed": localize(incident.impact_count)}
            about += f" · {_text(failed)}"
        if incident.grade:
            grade = _text(incident.grade)
            if incident.responsibility_share != 1:
                grade += f" × {_text(share(incident.responsibility_share))}"
            grade = f'<span class="badge grade-{_text(incident.grade)}">{grade}</span>'
        else:
            grade = '<span class="muted">–</span>'
        found = "badge-better" if incident.detection == "proactive" else "badge-warn"
        detected = _text(_DETECTIONS.get(incident.detection, incident.detection))
        detection = f'<span class="badge {found}">{detected}</span>'
        if incident.resolved_at:
            resolved = _text(duration(incident.time_to_resolve))
        else:
            resolved = f'<span class="badge badge-worse">{open_label}</span>'
        url = detail.replace(str(_PLACEHOLDER), str(incident.pk))
        parts.append(
            "\n      <tr>"
            f'\n        <td class="nowrap">{started}</td>'
            f"\n        {team}"
            f'\n        <td class="title"><a href="{url}">{_text(incident.title)}</a>'
            f'\n          <span class="muted small">{about}</span></td>'
            f'\n        <td class="grade">{grade_label}{grade}</td>'
            f'\n        <td class="detection">{detection}</td>'
            f'\n        <td class="num resolved">{resolve_label}{resolved}</td>'
            "\n      </tr>\n      "
        )
    return parts
