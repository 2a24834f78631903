"""The Monday digest: the department overview in brief, from the overview's own data.

Every figure comes from `pages.dashboards.department_week` and is written by the same functions the
overview's template filters use (reports/comparison.py, common/formatting.py), so the digest and the
page cannot disagree. Lists are cut to DIGEST_LINES with "and N more"; the link opens the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from common.formatting import format_duration, plain_decimal
from common.weeks import IsoWeek
from notifications.events import absolute
from notifications.message import Line, Message, Section
from notifications.models import Event
from pages.dashboards import DepartmentWeek, KpiRow, OkrRow, department_week
from reports.comparison import format_absolute, format_relative, format_value
from reports.models import KPIValue

DIGEST_LINES = 5


@dataclass
class DigestData:
    overview: DepartmentWeek
    # Why a KPI moved: its note this week, for the KPIs the digest names.
    notes: dict[int, str]


def digest_data(week: IsoWeek) -> DigestData:
    overview = department_week(week)
    named = {row.kpi.pk for row in overview.best_moves + overview.worst_moves + overview.attention}
    notes = dict(
        KPIValue.objects.filter(kpi__in=named, week__starts_on=week.monday)
        .exclude(note="")
        .values_list("kpi_id", "note")
    )
    return DigestData(overview, notes)


def value_text(value, kpi) -> str:
    """As the overview's `kpi_value` filter writes it: a dash for no value."""
    return "–" if value is None else format_value(kpi, value)


def kpi_figures(row: KpiRow) -> str:
    """Last week → this week, change (relative change): the overview's mover row, in one line."""
    change, kpi = row.change, row.kpi
    text = f"{value_text(change.previous, kpi)} → {value_text(change.current, kpi)}"
    absolute_change = format_absolute(change)
    if absolute_change:
        text += f", {absolute_change}"
    relative = format_relative(change)
    if relative:
        text += f" ({relative})"
    if change.target_met is False:
        text += " · " + _("target %(target)s") % {"target": value_text(kpi.target, kpi)}
    return text


def _kpi_lines(rows: list[KpiRow], data: DigestData, week: IsoWeek, base) -> list[Line]:
    return [
        Line(
            f"{row.kpi.name} ({row.kpi.team.name}): {kpi_figures(row)}",
            absolute(reverse("team-week", kwargs={"team": row.kpi.team.slug, "week": week}), base),
            data.notes.get(row.kpi.pk, ""),
        )
        for row in rows[:DIGEST_LINES]
    ]


def _more(total: int, shown: int) -> str:
    return _("and %(count)s more") % {"count": total - shown} if total > shown else ""


def okr_text(row: OkrRow) -> str:
    kr = row.key_result
    percent = f" {plain_decimal(row.percent):f}%" if row.percent is not None else ""
    return f"{kr.objective.code} {kr.title} ({kr.objective.team.name}){percent}"


def share_text(value) -> str:
    return f"{plain_decimal(value):f}"


def digest_message(data: DigestData, base: str | None = None) -> Message:
    overview, week = data.overview, data.overview.week
    sections = []
    for heading, rows, total in (
        (_("Moved most — better"), overview.best_moves, len(overview.best_moves)),
        (_("Moved most — worse"), overview.worst_moves, len(overview.worst_moves)),
        (_("Worse or missing target"), overview.attention, overview.attention_total),
    ):
        if rows:
            shown = min(len(rows), DIGEST_LINES)
            sections.append(
                Section(f"{heading} ({total})", _kpi_lines(rows, data, week, base), _more(total, shown))
            )

    incidents = overview.incidents
    tally_this = " · ".join(f"{grade} {share_text(this)}" for grade, this, _last in incidents.tally)
    tally_last = " · ".join(f"{grade} {share_text(last)}" for grade, _this, last in incidents.tally)
    incident_lines = [
        Line(
            _("This week: %(tally)s (last week: %(last)s)") % {"tally": tally_this, "last": tally_last},
        )
    ]
    if incidents.mean_time_to_resolve is not None:
        incident_lines.append(
            Line(
                _("Mean time to resolve: %(duration)s")
                % {"duration": format_duration(incidents.mean_time_to_resolve)}
            )
        )
    for incident in incidents.incidents[:DIGEST_LINES]:
        grade = f"[{incident.grade}] " if incident.grade else ""
        incident_lines.append(
            Line(
                f"{grade}{incident.title} ({incident.team.name})",
                absolute(reverse("incident-detail", kwargs={"pk": incident.pk}), base),
            )
        )
    sections.append(
        Section(
            f"{_('Incidents')} ({incidents.count})",
            incident_lines,
            _more(incidents.count, min(incidents.count, DIGEST_LINES)),
        )
    )

    if overview.okr_stalled:
        shown = overview.okr_stalled[:DIGEST_LINES]
        sections.append(
            Section(
                f"{_('Stalled (no progress for two weeks or more)')} ({overview.okr_stalled_total})",
                [Line(okr_text(row)) for row in shown],
                _more(overview.okr_stalled_total, len(shown)),
            )
        )

    missing = overview.missing_teams
    if missing:
        sections.append(
            Section(
                f"{_('Who is missing')} ({len(missing)})",
                [
                    Line(
                        item.team.name + (f" · {_('draft')}" if item.report else ""),
                        absolute(reverse("team-week", kwargs={"team": item.team.slug, "week": week}), base),
                    )
                    for item in missing
                ],
            )
        )

    handed_in = len(overview.teams) - len(missing)
    return Message(
        event=Event.DIGEST,
        title=_("Department overview %(week)s") % {"week": week},
        intro=_("%(done)s of %(total)s teams handed in their week.")
        % {"done": handed_in, "total": len(overview.teams)},
        sections=sections,
        link_text=_("Open the department overview"),
        link_url=absolute(reverse("department-week", kwargs={"week": week}), base),
        data={
            "week": str(week),
            "teams": len(overview.teams),
            "handed_in": handed_in,
            "missing": [item.team.slug for item in missing],
            "attention_total": overview.attention_total,
            "incidents": incidents.count,
            "tally": {
                grade: {"this": share_text(this), "last": share_text(last)}
                for grade, this, last in incidents.tally
            },
            "okr_stalled_total": overview.okr_stalled_total,
            "moved_better": [_row_data(row) for row in overview.best_moves],
            "moved_worse": [_row_data(row) for row in overview.worst_moves],
        },
    )


def _row_data(row: KpiRow) -> dict:
    change = row.change
    return {
        "kpi": row.kpi.name,
        "team": row.kpi.team.slug,
        "previous": value_text(change.previous, row.kpi),
        "current": value_text(change.current, row.kpi),
        "change": format_absolute(change),
        "relative": format_relative(change),
    }
