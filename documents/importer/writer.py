"""Writing a ParsedReport into a team's week, in one transaction, changing only what differs.

Narrative (sections, TODOs, plans, 其他, 收获与反思) is the document's: sections are matched by
position, TODOs and plans by their text and then position (row_sync.rows_by_text), and rewritten only
where the text changed. Data (KPI values, OKR updates, incidents) is matched by KPI name or alias, by
item title and by start time, and updated in place. Importing the same file twice therefore writes
nothing the second time, not even a history row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.formatting import plain_decimal
from common.weeks import IsoWeek
from documents.importer.catalogue import catalogue_of
from documents.importer.figures import MAX_PLACES, name_key, unstorable
from documents.importer.recognise import fits_figure
from documents.importer.row_sync import rows_by_text, sync_rows, update_row
from documents.importer.structure import Figure, OkrSection, ParsedReport
from documents.importer.tokens import tokenise
from incidents import summary
from incidents.models import Incident
from okrs.models import KeyResult, KeyResultUpdate, Objective
from pages import overview
from reports.models import KPI, KPIValue, PlanItem, ReportSection, Team, TodoItem, Week, WeeklyReport
from reports.number_rules import check_kpi_value

INCIDENTS_SECTION = "生产事件"
LOWER_IS_BETTER = re.compile(r"延期|bug|事故|失败|故障|报错|耗时|时长", re.IGNORECASE)
HIGHER_IS_BETTER = re.compile(r"成功率|可用性|交付|吞吐|识别率|准确率|饱和度")


class ImportRefused(Exception):
    """The week may not be written (published, and the importer is not an admin)."""


@dataclass
class ImportResult:
    report: WeeklyReport
    changes: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    figures: int = 0  # figures written into KPIs
    unplaced: list[str] = field(default_factory=list)  # figures left as text: no KPI of the team

    @property
    def changed(self) -> bool:
        return any(self.changes.values())


def period_of(week: IsoWeek) -> str:
    thursday = week.monday + dt.timedelta(days=3)
    return f"{thursday.year}-H{1 if thursday.month <= 6 else 2}"


def guess_direction(name: str) -> str:
    if LOWER_IS_BETTER.search(name):
        return KPI.Direction.LOWER_IS_BETTER
    if HIGHER_IS_BETTER.search(name):
        return KPI.Direction.HIGHER_IS_BETTER
    return KPI.Direction.NEUTRAL


def import_report(
    parsed: ParsedReport, team: Team, user=None, *, allow_locked: bool = False, create_kpis: bool = False
) -> ImportResult:
    """Write one week. No KPI is created unless `create_kpis` (the user asked for every unplaced figure);
    a figure no KPI of the team takes stays in the text and is listed in `unplaced`."""
    with transaction.atomic():
        week = Week.objects.get_for(parsed.week)
        report, created = WeeklyReport.objects.get_or_create(
            team=team, week=week, defaults={"updated_by": user}
        )
        # Locked like a weekly-form save locks it, so the two never interleave on one week.
        report = WeeklyReport.objects.select_for_update().get(pk=report.pk)
        if report.is_locked and not allow_locked:
            raise ImportRefused(
                _("%(week)s of %(team)s is published; only an admin can overwrite it.")
                % {"week": parsed.week, "team": team}
            )
        result = ImportResult(report=report, warnings=list(parsed.warnings))
        if created:
            result.changes["report created"] += 1
        catalogue = catalogue_of(team)
        if create_kpis:
            catalogue = _create_missing_kpis(parsed, team, catalogue, result)
        kpis = {kpi.pk: kpi for kpi in team.kpis.all()}
        placed = _place(parsed, catalogue, kpis, result)
        # A computed KPI (incident counts) is never typed: its figure is checked against the records.
        counted = [figure for figure in placed if kpis[figure.kpi_id].is_computed]
        placed = [figure for figure in placed if not kpis[figure.kpi_id].is_computed]
        figures, kept_as_text = _fitting_figures(placed, kpis, result)
        for figure in parsed.figures:
            if figure.kpi_id is None and figure.canonical:
                # The exporter's line of a KPI this team lacks: back into the text, never lost.
                note = [f"    {line}" for line in figure.note.splitlines() if line.strip()]
                kept_as_text.setdefault(figure.group, []).extend([figure.line, *note])
        accepted = {figure.kpi_id: figure.value for figure in figures}
        _write_report_fields(parsed, report, user, result)
        # Incidents first: the counted figures the prose states become references only where they agree.
        _write_incidents(parsed, team, result)
        accepted |= _check_counted_figures(counted, kpis, team, week, user, result)
        _write_sections(parsed, report, result, kept_as_text, catalogue, accepted)
        _write_todos(parsed, report, result)
        _write_plans(parsed, report, result)
        _write_figures(parsed, figures, kpis, week, user, result)
        _write_okrs(parsed, team, week, user, result)
        result.figures = len(figures) + len(counted)
        if result.changed and not created:
            # A weekly form opened before this import carries the old revision: its save must be a
            # conflict, not a silent overwrite of what was just imported.
            WeeklyReport.objects.filter(pk=report.pk).bump_revision(report.team_id)
            report.revision += 1
        if result.changed:
            overview.keep_part_after_write(team.pk, parsed.week)
        return result


def _create_missing_kpis(parsed: ParsedReport, team: Team, catalogue, result: ImportResult):
    """KPIs for the figures no KPI takes, because the user asked for them (--create-kpis)."""
    position = max((kpi.position for kpi in team.kpis.all()), default=0) + 1
    made = False
    for figure in parsed.figures:
        if figure.kpi_id is not None or catalogue.match(figure.label or figure.name) or unstorable(figure):
            continue
        if catalogue.by_name(figure.name):
            continue
        if reason := _misfit(figure, _new_kpi(figure)):
            result.warnings.append(reason)  # a KPI that could not hold its only value is not made
            continue
        _create_kpi(figure, team, position)
        position += 1
        made = True
        result.changes["KPI created"] += 1
        catalogue = catalogue_of(team)
    return catalogue_of(team) if made else catalogue


def _place(parsed: ParsedReport, catalogue, kpis: dict, result: ImportResult) -> list[Figure]:
    """The figures a KPI of this team takes: placed in the preview, or now by name, alias or fragment."""
    placed = []
    for figure in parsed.figures:
        if figure.kpi_id is None or figure.kpi_id not in kpis:
            kpi = catalogue.by_name(figure.name) or catalogue.match(figure.label or figure.name)
            # The reader left `其中主动发现 4 个` and `2.65亿元` apart for their unit: the same label
            # must not put a count into 主动发现率, nor 亿 into a KPI kept in 万元, here.
            figure.kpi_id = kpi.id if kpi and fits_figure(kpi, figure) else None
        if figure.kpi_id is None:
            result.unplaced.append(figure.name)
            continue
        placed.append(figure)
    if result.unplaced:
        result.warnings.append(
            _("No KPI of the team takes these figures; they stay in the text: %(names)s.")
            % {"names": "、".join(result.unplaced)}
        )
    return placed


def _write_report_fields(parsed, report, user, result) -> None:
    fields = {"other": parsed.other, "reflections": parsed.reflections}
    if any(getattr(report, name) != value for name, value in fields.items()):
        update_row(report, {**fields, "updated_by": user})
        result.changes["report updated"] += 1


def _write_sections(parsed, report, result, kept_as_text: dict[str, list[str]], catalogue, accepted) -> None:
    wanted = []
    for section in parsed.sections:
        body = tokenise(section.body, section.title, catalogue, accepted, parsed.week.number)
        body = "\n".join(filter(None, [body, *kept_as_text.pop(section.title, [])]))
        wanted.append({"title": section.title[:200], "body": body})
    wanted.extend({"title": title[:200], "body": "\n".join(lines)} for title, lines in kept_as_text.items())
    if parsed.incidents_intro:
        wanted.append({"title": INCIDENTS_SECTION, "body": parsed.incidents_intro})
    existing = list(report.sections.order_by("position", "id"))
    sync_rows(
        existing, wanted, lambda **f: ReportSection.objects.create(report=report, **f), result, "section"
    )


# A tick marks an item done; an item without one keeps what the app records: the document may come from
# a hand that writes no boxes, and a TODO done in a later week is open as of this one.
def _write_todos(parsed, report, result) -> None:
    existing = list(report.todos.order_by("position", "id"))
    rows = rows_by_text(existing, [todo.text for todo in parsed.todos])
    wanted = []
    for todo, row in zip(parsed.todos, rows, strict=True):
        fields = {"text": todo.text, "section_title": todo.section_title[:200]}
        if todo.done and (row is None or row.done_in_id is None):
            fields["done_in"] = report
        wanted.append(fields)
    sync_rows(existing, wanted, lambda **f: TodoItem.objects.create(report=report, **f), result, "TODO", rows)


def _write_plans(parsed, report, result) -> None:
    wanted = [
        {"text": text, **({"is_done": True} if position in parsed.plans_done else {})}
        for position, text in enumerate(parsed.plans)
    ]
    existing = list(report.plans.order_by("position", "id"))
    rows = rows_by_text(existing, parsed.plans)
    sync_rows(existing, wanted, lambda **f: PlanItem.objects.create(report=report, **f), result, "plan", rows)


def _fitting_figures(figures: list[Figure], kpis: dict, result) -> tuple[list[Figure], dict[str, list[str]]]:
    """The figures their KPIs can hold as stated; the exporter's lines of the others, to keep as text."""
    fitting: list[Figure] = []
    kept_as_text: dict[str, list[str]] = {}
    for figure in figures:
        reason = unstorable(figure) or _misfit(figure, kpis[figure.kpi_id])
        if reason is None:
            fitting.append(figure)
            continue
        result.warnings.append(reason)
        if figure.canonical:  # free-text figures never left their line in the narrative
            note = [f"    {line}" for line in figure.note.splitlines() if line.strip()]
            kept_as_text.setdefault(figure.group, []).extend([figure.line, *note])
    return fitting, kept_as_text


def _misfit(figure: Figure, kpi: KPI) -> str | None:
    """Why an existing KPI cannot hold the figure as stated: its decimals are the KPI's, never the file's."""
    numbers = [figure.value] if figure.previous is None else [figure.value, figure.previous]
    # A count with decimals holds responsibility shares (C级 0.5); one without counts whole events.
    whole_count = kpi.unit == KPI.Unit.COUNT and kpi.decimals == 0
    if whole_count and any(number != number.to_integral_value() for number in numbers):
        return _("“%(name)s” counts whole numbers; %(value)s is kept as text.") % {
            "name": kpi.name,
            "value": figure.value,
        }
    step = Decimal(1).scaleb(-kpi.decimals)
    if any(number != number.quantize(step) for number in numbers):
        return _("“%(name)s” keeps %(decimals)d decimal places; %(value)s is kept as text.") % {
            "name": kpi.name,
            "decimals": kpi.decimals,
            "value": figure.value,
        }
    for number in numbers:
        try:
            check_kpi_value(kpi, number)  # the weekly form's and the admin's rule
        except ValidationError as error:
            return _("“%(name)s” %(value)s: %(reason)s It is kept as text.") % {
                "name": kpi.name,
                "value": number,
                "reason": " ".join(error.messages),
            }
    return None


def _write_figures(parsed: ParsedReport, figures: list[Figure], kpis: dict, week, user, result) -> None:
    """This week's values; last week's only where last week has none and is still a draft (or no report).

    A submitted or published week is the record its team handed in: a later report never rewrites it.
    """
    if not figures:
        return
    previous_week = Week.objects.get_for(parsed.week.previous())
    values = {
        (value.kpi_id, value.week_id): value
        for value in KPIValue.objects.filter(kpi__in=list(kpis), week__in=[week, previous_week])
    }
    previous_report = None
    if any(figure.previous is not None for figure in figures):
        # Locked like this week's report: a weekly form saving last week must not interleave with us.
        previous_report = (
            WeeklyReport.objects.select_for_update()
            .filter(team=result.report.team, week=previous_week)
            .first()
        )
    previous_refused = previous_report is not None and previous_report.is_done
    not_written: list[str] = []
    filled: list[str] = []
    for figure in figures:
        kpi = kpis[figure.kpi_id]
        _write_value(kpi, week, figure.value, figure.note if figure.canonical else None, values, user, result)
        if figure.previous is None:
            continue
        stored = values.get((kpi.pk, previous_week.pk))
        # A note without a figure (why last week's value is missing) is still an empty value to fill.
        empty = stored is None or stored.value is None
        if empty and previous_refused:
            not_written.append(kpi.name)
        elif empty:
            _write_value(kpi, previous_week, figure.previous, None, values, user, result)
            filled.append(kpi.name)
        elif stored.value != figure.previous:
            result.warnings.append(
                _("Last week's “%(name)s” is stored as %(stored)s, the document says %(stated)s; kept.")
                % {"name": kpi.name, "stored": stored.value.normalize(), "stated": figure.previous}
            )
    if not_written:
        result.warnings.append(
            _("%(week)s is handed in, so last week's values stated here were not written: %(names)s.")
            % {"week": parsed.week.previous(), "names": "、".join(not_written)}
        )
    if filled:
        result.warnings.append(
            _("%(week)s had no value for %(names)s; filled in from this report's “last week”.")
            % {"week": parsed.week.previous(), "names": "、".join(filled)}
        )
        if previous_report is not None:
            # Last week's form, if open, must see that its values changed under it.
            WeeklyReport.objects.filter(pk=previous_report.pk).bump_revision(previous_report.team_id)


def _check_counted_figures(figures: list[Figure], kpis: dict, team: Team, week, user, result) -> dict:
    """Figures of computed KPIs: the week's incident records give the value; the document's note is kept,
    and a figure that disagrees with the records is said, never written over them.

    Returns the figures that agree with the records ({KPI id: value}), for the prose to reference."""
    agreeing = {}
    if not figures:
        return agreeing
    summary.refresh_computed_values(team.pk, [week.pk], user)
    counted_ids = [figure.kpi_id for figure in figures]
    stored = {value.kpi_id: value for value in KPIValue.objects.filter(kpi_id__in=counted_ids, week=week)}
    for figure in figures:
        kpi = kpis[figure.kpi_id]
        value = stored.get(kpi.pk)
        if figure.canonical and figure.note and value is not None and value.note != figure.note:
            update_row(value, {"note": figure.note, "updated_by": user})
            result.changes["KPI value updated"] += 1
        counted = value.value if value is not None else None
        if counted is not None and counted == figure.value:
            agreeing[kpi.pk] = figure.value
        else:
            result.warnings.append(
                _(
                    "“%(name)s” is counted from the week's incident records: %(counted)s; "
                    "the document says %(stated)s."
                )
                % {
                    "name": kpi.name,
                    "counted": "—" if counted is None else f"{plain_decimal(counted):f}",
                    "stated": f"{plain_decimal(figure.value):f}",
                }
            )
    return agreeing


def _new_kpi(figure: Figure) -> KPI:
    return KPI(name=figure.name, unit=figure.unit, decimals=min(figure.decimals, MAX_PLACES))


def _create_kpi(figure: Figure, team: Team, position: int) -> KPI:
    return KPI.objects.create(
        team=team,
        name=figure.name[:100],
        group=figure.group[:100],
        unit=figure.unit,
        unit_label=figure.unit_label[:20],
        decimals=min(figure.decimals, MAX_PLACES),
        direction=guess_direction(figure.name),
        kind=KPI.Kind.guess(figure.name),
        position=position,
    )


def _write_value(kpi, week, value, note, values, user, result) -> None:
    value = value.quantize(Decimal("0.000001"))
    stored = values.get((kpi.pk, week.pk))
    if stored is None:
        values[(kpi.pk, week.pk)] = KPIValue.objects.create(
            kpi=kpi, week=week, value=value, note=note or "", updated_by=user
        )
        result.changes["KPI value created"] += 1
        return
    fields = {"value": value} if note is None else {"value": value, "note": note}
    if any(getattr(stored, name) != wanted for name, wanted in fields.items()):
        update_row(stored, {**fields, "updated_by": user})
        result.changes["KPI value updated"] += 1


def _write_okrs(parsed: ParsedReport, team: Team, week: Week, user, result: ImportResult) -> None:
    sections = parsed.okr_sections
    if not sections:
        return
    period = period_of(parsed.week)
    objectives = list(
        Objective.objects.filter(team=team, code__in=[okr.code for okr in sections])
        .prefetch_related("key_results")
        .order_by("-is_active", "-period")
    )
    updates = {
        update.key_result_id: update
        for update in KeyResultUpdate.objects.filter(key_result__objective__team=team, week=week)
    }
    for okr in sections:
        objective = _objective(okr, team, period, objectives, result)
        key_results = list(objective.key_results.all()) if objective.pk in {o.pk for o in objectives} else []
        used: set[int] = set()
        for item in okr.items:
            key_result = next(
                (
                    kr
                    for kr in key_results
                    if kr.pk not in used and name_key(kr.title) == name_key(item.title)
                ),
                None,
            )
            if key_result is None:
                # After the objective's items: the order people arranged is never changed by an import.
                position = max((kr.position for kr in key_results), default=0) + 1
                key_result = KeyResult.objects.create(
                    objective=objective, position=position, title=item.title, eta=item.eta
                )
                key_results.append(key_result)
                result.changes["key result created"] += 1
            elif item.eta and key_result.eta is None:
                update_row(key_result, {"eta": item.eta})
            used.add(key_result.pk)
            fields = {"progress": item.progress, "note": item.text}
            if item.progress == 100:
                fields["status"] = KeyResultUpdate.Status.DONE
            update = updates.get(key_result.pk)
            if update is None:
                KeyResultUpdate.objects.create(key_result=key_result, week=week, updated_by=user, **fields)
                result.changes["OKR update created"] += 1
            elif update_row(update, fields):
                result.changes["OKR update updated"] += 1


def _objective(okr: OkrSection, team, period, objectives, result) -> Objective:
    same_code = [objective for objective in objectives if objective.code == okr.code]
    match = next((o for o in same_code if o.period == period), None) or next(
        (o for o in same_code if o.is_active), None
    )
    if match:
        return match
    result.changes["objective created"] += 1
    number = re.sub(r"\D", "", okr.code)
    return Objective.objects.create(
        team=team,
        code=okr.code,
        title=(okr.title or okr.code)[:200],
        period=period,
        position=int(number or 0),
    )


def _write_incidents(parsed: ParsedReport, team: Team, result: ImportResult) -> None:
    if not parsed.incidents:
        return
    existing: dict = {}
    for incident in Incident.objects.filter(
        team=team, started_at__in=[entry.started_at for entry in parsed.incidents]
    ).order_by("started_at", "id"):
        existing.setdefault(incident.started_at, []).append(incident)
    for entry in parsed.incidents:
        candidates = existing.get(entry.started_at) or []
        if candidates:
            incident = candidates.pop(0)
            # What the text states; what it does not say (an empty grade, unknown discovery) is left
            # as someone may have set it since.
            fields = {"description": entry.text}
            stated = {
                "resolved_at": entry.resolved_at,
                "impact_count": entry.impact_count,
                "grade": entry.grade,
                "impact": entry.impact,
                "cause": entry.cause,
            }
            fields.update({name: value for name, value in stated.items() if value not in (None, "")})
            if entry.grade:
                fields["responsibility_share"] = entry.share
            if entry.detection != Incident.Detection.UNKNOWN:
                fields["detection"] = entry.detection
            if update_row(incident, fields):
                result.changes["incident updated"] += 1
            continue
        Incident.objects.create(
            team=team,
            started_at=entry.started_at,
            title=entry.title,
            kind=entry.kind,
            description=entry.text,
            resolved_at=entry.resolved_at,
            impact_count=entry.impact_count,
            grade=entry.grade,
            responsibility_share=entry.share,
            detection=entry.detection,
            impact=entry.impact,
            cause=entry.cause,
        )
        result.changes["incident created"] += 1
