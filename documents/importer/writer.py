"""Writing a ParsedReport into a team's week, in one transaction, changing only what differs.

Narrative (sections, TODOs, plans, 其他, 收获与反思) is the document's: rows are matched by position
and rewritten only where the text changed. Data (KPI values, OKR updates, incidents) is matched by
KPI name or alias, by item title and by start time, and updated in place. Importing the same file
twice therefore writes nothing the second time, not even a history row.
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

from common.weeks import IsoWeek
from documents.importer.figures import MAX_PLACES, name_key, unstorable
from documents.importer.structure import Figure, OkrSection, ParsedReport
from incidents.models import Incident
from okrs.models import KeyResult, KeyResultUpdate, Objective
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


def import_report(parsed: ParsedReport, team: Team, user=None, *, allow_locked: bool = False) -> ImportResult:
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
        kpis, lookup = _kpi_lookup(team) if parsed.figures else ([], {})
        figures, kept_as_text = _fitting_figures(parsed, lookup, result)
        _write_report_fields(parsed, report, user, result)
        _write_sections(parsed, report, result, kept_as_text)
        _write_todos(parsed, report, result)
        _write_plans(parsed, report, result)
        _write_figures(parsed, figures, kpis, lookup, team, week, user, result, allow_locked=allow_locked)
        _write_okrs(parsed, team, week, user, result)
        _write_incidents(parsed, team, result)
        if result.changed and not created:
            # A weekly form opened before this import carries the old revision: its save must be a
            # conflict, not a silent overwrite of what was just imported.
            WeeklyReport.objects.filter(pk=report.pk).bump_revision()
            report.revision += 1
        return result


def _update(row, fields: dict) -> bool:
    changed = {name: value for name, value in fields.items() if getattr(row, name) != value}
    for name, value in changed.items():
        setattr(row, name, value)
    if changed:
        row.save()
    return bool(changed)


def _sync(existing: list, wanted: list[dict], create, result: ImportResult, label: str) -> None:
    for position, fields in enumerate(wanted):
        fields = {"position": position, **fields}
        if position < len(existing):
            if _update(existing[position], fields):
                result.changes[f"{label} updated"] += 1
        else:
            create(**fields)
            result.changes[f"{label} created"] += 1
    for row in existing[len(wanted) :]:
        row.delete()
        result.changes[f"{label} removed"] += 1


def _write_report_fields(parsed, report, user, result) -> None:
    fields = {"other": parsed.other, "reflections": parsed.reflections}
    if any(getattr(report, name) != value for name, value in fields.items()):
        _update(report, {**fields, "updated_by": user})
        result.changes["report updated"] += 1


def _write_sections(parsed, report, result, kept_as_text: dict[str, list[str]]) -> None:
    wanted = []
    for section in parsed.sections:
        body = "\n".join(filter(None, [section.body, *kept_as_text.pop(section.title, [])]))
        wanted.append({"title": section.title[:200], "body": body})
    wanted.extend({"title": title[:200], "body": "\n".join(lines)} for title, lines in kept_as_text.items())
    if parsed.incidents_intro:
        wanted.append({"title": INCIDENTS_SECTION, "body": parsed.incidents_intro})
    existing = list(report.sections.order_by("position", "id"))
    _sync(existing, wanted, lambda **f: ReportSection.objects.create(report=report, **f), result, "section")


def _write_todos(parsed, report, result) -> None:
    wanted = [{"text": todo.text, "section_title": todo.section_title[:200]} for todo in parsed.todos]
    existing = list(report.todos.order_by("position", "id"))
    _sync(existing, wanted, lambda **f: TodoItem.objects.create(report=report, **f), result, "TODO")


def _write_plans(parsed, report, result) -> None:
    wanted = [{"text": text} for text in parsed.plans]
    existing = list(report.plans.order_by("position", "id"))
    _sync(existing, wanted, lambda **f: PlanItem.objects.create(report=report, **f), result, "plan")


def _kpi_lookup(team: Team) -> tuple[list[KPI], dict[str, KPI]]:
    kpis = list(team.kpis.all())
    lookup: dict[str, KPI] = {}
    for kpi in kpis:
        lookup[name_key(kpi.name)] = kpi
    for kpi in kpis:
        for alias in kpi.alias_list():
            lookup.setdefault(name_key(alias), kpi)
    return kpis, lookup


def _fitting_figures(parsed: ParsedReport, lookup, result) -> tuple[list[Figure], dict[str, list[str]]]:
    """The figures the KPIs can hold as stated; the exporter's lines of the others, to keep as text."""
    fitting: list[Figure] = []
    kept_as_text: dict[str, list[str]] = {}
    for figure in parsed.figures:
        kpi = lookup.get(name_key(figure.name))
        reason = unstorable(figure) or _misfit(figure, kpi or _new_kpi(figure))
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
    if kpi.unit == KPI.Unit.COUNT and any(number != number.to_integral_value() for number in numbers):
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


def _new_kpi(figure: Figure) -> KPI:
    return KPI(name=figure.name, unit=figure.unit, decimals=min(figure.decimals, MAX_PLACES))


def _write_figures(
    parsed: ParsedReport, figures: list[Figure], kpis, lookup, team, week, user, result, *, allow_locked
) -> None:
    if not figures:
        return
    previous_week = Week.objects.get_for(parsed.week.previous())
    values = {
        (value.kpi_id, value.week_id): value
        for value in KPIValue.objects.filter(kpi__team=team, week__in=[week, previous_week])
    }
    previous_report = None
    if any(figure.previous is not None for figure in figures):
        # Locked like this week's report: a weekly form saving last week must not interleave with us.
        previous_report = (
            WeeklyReport.objects.select_for_update().filter(team=team, week=previous_week).first()
        )
    previous_refused = previous_report is not None and previous_report.is_locked and not allow_locked
    not_written: list[str] = []
    wrote_previous = False
    next_position = max((kpi.position for kpi in kpis), default=0) + 1
    for figure in figures:
        kpi = lookup.get(name_key(figure.name))
        if kpi is None:
            kpi = _create_kpi(figure, team, next_position)
            lookup[name_key(figure.name)] = kpi
            next_position += 1
            result.changes["KPI created"] += 1
        _write_value(kpi, week, figure.value, figure.note if figure.canonical else None, values, user, result)
        if figure.previous is not None:
            stored = values.get((kpi.pk, previous_week.pk))
            if stored is None and previous_refused:
                not_written.append(kpi.name)
            elif stored is None:
                _write_value(kpi, previous_week, figure.previous, None, values, user, result)
                wrote_previous = True
            elif stored.value != figure.previous:
                result.warnings.append(
                    _("Last week's “%(name)s” is stored as %(stored)s, the document says %(stated)s; kept.")
                    % {"name": kpi.name, "stored": stored.value.normalize(), "stated": figure.previous}
                )
    if not_written:
        result.warnings.append(
            _("%(week)s is published, so last week's values stated here were not written: %(names)s.")
            % {"week": parsed.week.previous(), "names": "、".join(not_written)}
        )
    if wrote_previous and previous_report is not None:
        # Last week's form, if open, must see that its values changed under it.
        WeeklyReport.objects.filter(pk=previous_report.pk).bump_revision()


def _create_kpi(figure: Figure, team: Team, position: int) -> KPI:
    return KPI.objects.create(
        team=team,
        name=figure.name[:100],
        group=figure.group[:100],
        unit=figure.unit,
        unit_label=figure.unit_label[:20],
        decimals=min(figure.decimals, MAX_PLACES),
        direction=guess_direction(figure.name),
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
        _update(stored, {**fields, "updated_by": user})
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
                key_result = KeyResult.objects.create(
                    objective=objective, position=item.number, title=item.title, eta=item.eta
                )
                result.changes["key result created"] += 1
            else:
                fields = {"position": item.number}
                if item.eta:
                    fields["eta"] = item.eta
                _update(key_result, fields)
            used.add(key_result.pk)
            fields = {"progress": item.progress, "note": item.text}
            if item.progress == 100:
                fields["status"] = KeyResultUpdate.Status.DONE
            update = updates.get(key_result.pk)
            if update is None:
                KeyResultUpdate.objects.create(key_result=key_result, week=week, updated_by=user, **fields)
                result.changes["OKR update created"] += 1
            elif _update(update, fields):
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
            fields = {"description": entry.text}
            if entry.resolved_at:
                fields["resolved_at"] = entry.resolved_at
            if entry.impact_count is not None:
                fields["impact_count"] = entry.impact_count
            if _update(incident, fields):
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
        )
        result.changes["incident created"] += 1
