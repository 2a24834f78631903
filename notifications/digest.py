"""The Monday digest: the department overview in brief, from the overview's own data.

Every figure comes from `pages.dashboards.department_week` and is written by the overview template's
own filters (reports/templatetags/report_tags.py), every reason by the ranking's own `Move.reasons`,
so the digest and the page cannot disagree. Lists are cut to DIGEST_LINES with "and N more"; the link
opens the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.weeks import IsoWeek
from incidents.models import Incident
from notifications.events import absolute
from notifications.message import Line, Message, Section
from notifications.models import Event
from okrs.rules import OkrGroup, OkrRow
from pages.dashboards import KpiRow
from pages.overview import DepartmentWeek, department_week
from reports.models import KPIValue
from reports.templatetags.report_tags import change_abs, change_rel, duration, kpi_value, percent, share

DIGEST_LINES = 5


@dataclass
class DigestData:
    overview: DepartmentWeek
    # Why a KPI moved: its note this week, for the KPIs the digest names.
    notes: dict[int, str]


def digest_data(week: IsoWeek) -> DigestData:
    overview = department_week(week)
    named = {row.kpi.pk for row in [*overview.improved, *overview.attention]}
    notes = dict(
        KPIValue.objects.filter(kpi__in=named, week__starts_on=week.monday)
        .exclude(note="")
        .values_list("kpi_id", "note")
    )
    return DigestData(overview, notes)


def reasons_text(row: KpiRow, *, target_first: bool) -> str:
    # Asked again rather than read from `row.reasons`: those were written in the language active when the
    # overview was built, and one DigestData serves every channel's language (schedule.queue_digest).
    return " · ".join(row.move.reasons(target_first=target_first)) if row.move else ""


def kpi_figures(row: KpiRow) -> str:
    """Last week → this week, change (relative change): the overview's mover row, in one line.

    The row's "target" badge is left out: every listed row that misses its target says so in its reasons.
    """
    change, kpi = row.change, row.kpi
    text = f"{kpi_value(change.previous, kpi)} → {kpi_value(change.current, kpi)}"
    absolute_change = change_abs(change)
    if absolute_change:
        text += f", {absolute_change}"
    relative = change_rel(change)
    if relative:
        text += f" ({relative})"
    return text


def _team_week_url(team, week: IsoWeek, base) -> str:
    return absolute(reverse("team-week", kwargs={"team": team.slug, "week": week}), base)


def _kpi_line(row: KpiRow, figures: str, reasons: str, data: DigestData, week: IsoWeek, base) -> Line:
    text = f"{row.kpi.name} ({row.kpi.team.name}): {figures}"
    if reasons:
        text += f" · {reasons}"
    return Line(text, _team_week_url(row.kpi.team, week, base), data.notes.get(row.kpi.pk, ""))


def _more(total: int, shown: int) -> str:
    return _("and %(count)s more") % {"count": total - shown} if total > shown else ""


def _mover_section(heading: str, rows: list[KpiRow], total: int, target_first: bool, data, base) -> Section:
    week = data.overview.week
    shown = rows[:DIGEST_LINES]
    lines = [
        _kpi_line(row, kpi_figures(row), reasons_text(row, target_first=target_first), data, week, base)
        for row in shown
    ]
    return Section(f"{heading} ({total})", lines, _more(total, len(shown)))


def target_misses(overview: DepartmentWeek) -> tuple[list[KpiRow], int | None]:
    """The KPIs off target among the rows of the overview's "Worse or off target" list, and how many.

    The count is None when the overview cut that list: rows that held but stay off target rank last, so
    more KPIs may miss their target than the page lists.
    """
    misses = [row for row in overview.attention if row.change.target_met is False]
    return misses, len(misses) if len(overview.attention) == overview.attention_total else None


def _off_target_section(misses: list[KpiRow], total: int | None, data: DigestData, base) -> Section:
    week = data.overview.week
    shown = misses[:DIGEST_LINES]
    lines = [
        _kpi_line(
            row,
            kpi_value(row.change.current, row.kpi),
            reasons_text(row, target_first=True),
            data,
            week,
            base,
        )
        for row in shown
    ]
    if total is None:
        return Section(_("Off target"), lines)
    return Section(f"{_('Off target')} ({total})", lines, _more(total, len(shown)))


def okr_text(row: OkrRow, *, eta: bool = False) -> str:
    kr = row.key_result
    text = f"{kr.objective.code} {kr.title} ({kr.objective.team.name})"
    if row.percent is not None:
        text += f" {percent(row.percent)}"
    if eta and kr.eta:
        text += f" · {_('ETA')} {date_filter(kr.eta, 'Y-m-d')}"
    return text


def _okr_section(heading: str, group: OkrGroup, week: IsoWeek, base, *, eta: bool = False) -> Section:
    shown = group.rows[:DIGEST_LINES]
    return Section(
        f"{heading} ({group.total})",
        [
            Line(okr_text(row, eta=eta), _team_week_url(row.key_result.objective.team, week, base))
            for row in shown
        ],
        _more(group.total, len(shown)),
    )


def grade_text(incident: Incident) -> str:
    """C, or C × 0.5 for a shared responsibility, as the overview's incident table writes the grade."""
    if incident.responsibility_share != 1:
        return f"{incident.grade} × {share(incident.responsibility_share)}"
    return incident.grade


def incident_text(incident: Incident) -> str:
    text = f"{incident.title} ({incident.team.name})"
    if incident.grade:
        text = f"[{grade_text(incident)}] {text}"
    parts = [text]
    # The heading counts incidents only, as the overview does: the kind marks a listed warning or change.
    if incident.kind != Incident.Kind.INCIDENT:
        parts.append(incident.get_kind_display())
    parts.append(duration(incident.time_to_resolve) if incident.resolved_at else _("open"))
    return " · ".join(parts)


def labelled(label, value: str) -> str:
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def _incident_section(data: DigestData, base) -> Section:
    incidents = data.overview.incidents
    labels = incidents.labels
    heading = f"{labels['incidents']} ({incidents.incident_count}"
    if incidents.other_count:
        others = ngettext(
            "%(records)s risk warning or change",
            "%(records)s risk warnings or changes",
            incidents.other_count,
        ) % {"records": incidents.other_count}
        heading += f", +{others}"
    heading += ")"
    tally_this = " · ".join(f"{grade} {share(this)}" for grade, this, _last in incidents.tally)
    tally_last = " · ".join(f"{grade} {share(last)}" for grade, _this, last in incidents.tally)
    lines = [
        Line(_("This week: %(tally)s (last week: %(last)s)") % {"tally": tally_this, "last": tally_last})
    ]
    if incidents.mean_time_to_resolve is not None:
        lines.append(Line(labelled(labels["mean_time_to_resolve"], duration(incidents.mean_time_to_resolve))))
    if incidents.proactive_share is not None:
        lines.append(Line(labelled(labels["found_by_team"], percent(incidents.proactive_share))))
    shown = incidents.incidents[:DIGEST_LINES]
    for incident in shown:
        impact = ""
        if incident.impact_count is not None:
            impact = ngettext(
                "%(failed)s failed operation", "%(failed)s failed operations", incident.impact_count
            ) % {"failed": incident.impact_count}
        lines.append(
            Line(
                incident_text(incident),
                absolute(reverse("incident-detail", kwargs={"pk": incident.pk}), base),
                impact,
            )
        )
    return Section(heading, lines, _more(incidents.count, len(shown)))


def digest_message(data: DigestData, base: str | None = None) -> Message:
    overview, week = data.overview, data.overview.week
    # In the overview's order: who is missing heads the page, then the movers, incidents and OKRs.
    sections = []
    missing = overview.missing_teams
    if missing:
        sections.append(
            Section(
                f"{_('Who is missing')} ({len(missing)})",
                [
                    Line(
                        item.team.name + (f" · {_('draft')}" if item.report else ""),
                        _team_week_url(item.team, week, base),
                    )
                    for item in missing
                ],
            )
        )

    if overview.improved:
        sections.append(
            _mover_section(_("Improved most"), overview.improved, overview.improved_total, False, data, base)
        )
    if overview.attention:
        sections.append(
            _mover_section(
                _("Worse or off target"), overview.attention, overview.attention_total, True, data, base
            )
        )
    misses, misses_total = target_misses(overview)
    if misses:
        sections.append(_off_target_section(misses, misses_total, data, base))

    sections.append(_incident_section(data, base))

    groups = overview.okr_groups
    if groups.stalled.total:
        sections.append(
            _okr_section(_("Stalled (no progress for two weeks or more)"), groups.stalled, week, base)
        )
    if groups.overdue.total:
        sections.append(_okr_section(_("Past their ETA and not done"), groups.overdue, week, base, eta=True))

    incidents = overview.incidents
    handed_in = len(overview.teams) - len(missing)
    return Message(
        event=Event.DIGEST,
        title=_("Department overview %(week)s") % {"week": week},
        intro=_("%(done)s of %(total)s teams handed in their week.")
        % {"done": handed_in, "total": len(overview.teams)},
        sections=sections,
        link_text=_("Open the department overview"),
        link_url=absolute(reverse("department-week", kwargs={"week": week}), base),
        # Facts only, no sentences: every channel's language gets the same data.
        data={
            "week": str(week),
            "teams": len(overview.teams),
            "handed_in": handed_in,
            "missing": [item.team.slug for item in missing],
            "improved_total": overview.improved_total,
            "attention_total": overview.attention_total,
            "off_target": misses_total,
            "incidents": incidents.incident_count,
            "other_records": incidents.other_count,
            "tally": {
                grade: {"this": share(this), "last": share(last)} for grade, this, last in incidents.tally
            },
            "okr_stalled": groups.stalled.total,
            "okr_overdue": groups.overdue.total,
            "improved": [_row_data(row) for row in overview.improved[:DIGEST_LINES]],
            "attention": [_row_data(row) for row in overview.attention[:DIGEST_LINES]],
        },
    )


def _row_data(row: KpiRow) -> dict:
    change, kpi, move = row.change, row.kpi, row.move
    return {
        "kpi": kpi.name,
        "team": kpi.team.slug,
        "previous": kpi_value(change.previous, kpi),
        "current": kpi_value(change.current, kpi),
        "change": change_abs(change),
        "relative": change_rel(change),
        "target": kpi_value(kpi.target, kpi) if kpi.target is not None else "",
        "target_met": change.target_met,
        "crossing": move.crossing if move else "",
        "score": move.score_text() if move and move.score is not None else None,
    }
