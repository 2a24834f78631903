"""The week's incident figures, counted once from the records; every page, export and computed KPI reads them.

- The grade tally sums responsibility shares of every graded record (a change that hurt production is
  graded too), so "C级0.5次" stays 0.5.
- Mean time to resolve counts incidents only: a risk warning that stays open for days (a certificate about
  to expire) or a planned change is not an outage and must not stretch the figure.
- The share found by the team is over incidents whose discovery is known; "not stated" is left out, not
  counted as found by us.

Each figure has its own label (`LABELS`), so the incident share found by the team is never shown under the
name of a bug KPI such as 主动发现率.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from common.formatting import plain_decimal, quantize
from common.weeks import IsoWeek
from incidents.models import Incident
from reports.models import KPI, KPIValue, WeeklyReport

GRADES = ("A", "B", "C", "D")
Computed = KPI.Computed
# Which grades each computed count adds up; the keys are the KPI's `computed_from`.
COMPUTED_GRADES = {
    Computed.INCIDENTS_AB: ("A", "B"),
    Computed.INCIDENTS_A: ("A",),
    Computed.INCIDENTS_B: ("B",),
    Computed.INCIDENTS_C: ("C",),
    Computed.INCIDENTS_D: ("D",),
}
PROACTIVE_PLACES = 1

LABELS = {
    "incidents": _("Incidents"),
    "other_records": _("Risk warnings and changes"),
    "tally": _("Grade tally (responsibility shares)"),
    "mean_time_to_resolve": _("Mean time to resolve an incident"),
    "found_by_team": _("Incidents found by the team"),
}


def grade_tally(records: Iterable[Incident]) -> dict[str, Decimal]:
    tally: dict[str, Decimal] = defaultdict(Decimal)
    for record in records:
        if record.grade:
            tally[record.grade] += record.responsibility_share
    return {grade: tally[grade] for grade in GRADES}


def incidents_only(records: Iterable[Incident]) -> list[Incident]:
    return [record for record in records if record.kind == Incident.Kind.INCIDENT]


def found_by_team(records: Iterable[Incident]) -> tuple[int, int]:
    """(found by the team, incidents whose discovery is known)."""
    known = [r for r in incidents_only(records) if r.detection != Incident.Detection.UNKNOWN]
    return sum(1 for r in known if r.detection == Incident.Detection.PROACTIVE), len(known)


def percent(part: int, whole: int) -> Decimal | None:
    return quantize(Decimal(part) * 100 / whole, PROACTIVE_PLACES) if whole else None


def computed_value(computed_from: str, records: Iterable[Incident]) -> Decimal | None:
    """A computed KPI's value for one team's week from that week's records; None when it has none."""
    records = list(records)
    if computed_from in COMPUTED_GRADES:
        tally = grade_tally(records)
        return sum((tally[grade] for grade in COMPUTED_GRADES[computed_from]), Decimal(0))
    if computed_from == Computed.INCIDENTS_PROACTIVE:
        return percent(*found_by_team(records))
    return None


def tally_line(kpis: Iterable[KPI], records: Iterable[Incident]) -> str:
    """`事故数AB级0次，C级0.5次，D级0次` for the team's computed grade KPIs, in their order."""
    records = list(records)
    parts = []
    for kpi in kpis:
        grades = COMPUTED_GRADES.get(kpi.computed_from)
        if grades:
            value = computed_value(kpi.computed_from, records)
            parts.append(f"{''.join(grades)}级{plain_decimal(value):f}{kpi.unit_label or '次'}")
    return f"事故数{'，'.join(parts)}" if parts else ""


@dataclass
class IncidentSummary:
    """One week's records (of a team or everyone), with the tally of that week and the week before."""

    incidents: list[Incident]
    tally: list[tuple[str, Decimal, Decimal]]
    incident_count: int
    resolved_count: int
    mean_time_to_resolve: dt.timedelta | None
    proactive_count: int
    known_detection_count: int
    proactive_share: Decimal | None
    # All of the week's records when `incidents` lists only some of them (the overview's most severe).
    record_count: int | None = None
    labels = LABELS

    @property
    def count(self) -> int:
        return len(self.incidents) if self.record_count is None else self.record_count

    @property
    def is_cut(self) -> bool:
        return self.count > len(self.incidents)

    @property
    def other_count(self) -> int:
        return self.count - self.incident_count


@dataclass
class WeekFigures:
    """A week's incident figures in a form that adds up: one team's, then the department's as their sum.

    The overview keeps each team's figures with the team's part (pages/overview.py) and adds them; the
    sum equals the figures of all the records taken together (tests/incidents/test_summary.py).
    """

    this_tally: dict[str, Decimal]
    last_tally: dict[str, Decimal]
    records: int = 0
    incidents: int = 0
    resolved: int = 0
    resolved_total: dt.timedelta = dt.timedelta()
    proactive: int = 0
    known: int = 0

    @classmethod
    def of(cls, records: Iterable, week: IsoWeek) -> WeekFigures:
        """Records of this and last week in (model instances or light rows); their figures out."""
        this_week, last_week = [], []
        for record in records:
            (this_week if _monday(record) == week.monday else last_week).append(record)
        durations = [r.time_to_resolve for r in incidents_only(this_week) if r.resolved_at]
        proactive, known = found_by_team(this_week)
        return cls(
            grade_tally(this_week),
            grade_tally(last_week),
            records=len(this_week),
            incidents=len(incidents_only(this_week)),
            resolved=len(durations),
            resolved_total=sum(durations, dt.timedelta()),
            proactive=proactive,
            known=known,
        )

    def __add__(self, other: WeekFigures) -> WeekFigures:
        return WeekFigures(
            {grade: self.this_tally[grade] + other.this_tally[grade] for grade in GRADES},
            {grade: self.last_tally[grade] + other.last_tally[grade] for grade in GRADES},
            self.records + other.records,
            self.incidents + other.incidents,
            self.resolved + other.resolved,
            self.resolved_total + other.resolved_total,
            self.proactive + other.proactive,
            self.known + other.known,
        )

    @classmethod
    def nothing(cls) -> WeekFigures:
        return cls({grade: Decimal(0) for grade in GRADES}, {grade: Decimal(0) for grade in GRADES})

    def summary(self, listed: list[Incident], *, all_listed: bool) -> IncidentSummary:
        """The summary a page prints; `listed` is every record of the week or, unless `all_listed`, some."""
        return IncidentSummary(
            incidents=listed,
            record_count=None if all_listed else self.records,
            tally=[(grade, self.this_tally[grade], self.last_tally[grade]) for grade in GRADES],
            incident_count=self.incidents,
            resolved_count=self.resolved,
            mean_time_to_resolve=self.resolved_total / self.resolved if self.resolved else None,
            proactive_count=self.proactive,
            known_detection_count=self.known,
            proactive_share=percent(self.proactive, self.known),
        )


def summarize(records: Iterable[Incident], week: IsoWeek) -> IncidentSummary:
    """Records of this and last week in; this week's list, both weeks' tally and this week's figures out."""
    records = list(records)
    this_week = [record for record in records if _monday(record) == week.monday]
    return WeekFigures.of(records, week).summary(this_week, all_listed=True)


def _monday(record) -> dt.date:
    monday = getattr(record, "week_monday", None)
    return monday if monday is not None else record.week.starts_on


@dataclass(frozen=True)
class LightRecord:
    """The fields the week's figures read, without a model instance: a department's week has hundreds."""

    pk: int
    team_id: int
    week_monday: dt.date
    kind: str
    grade: str
    responsibility_share: Decimal
    detection: str
    started_at: dt.datetime
    resolved_at: dt.datetime | None

    FIELDS = (
        "pk",
        "team_id",
        "week__starts_on",
        "kind",
        "grade",
        "responsibility_share",
        "detection",
        "started_at",
        "resolved_at",
    )

    @property
    def time_to_resolve(self) -> dt.timedelta | None:
        return self.resolved_at - self.started_at if self.resolved_at else None


def light_records(queryset) -> list[LightRecord]:
    return [LightRecord(*row) for row in queryset.values_list(*LightRecord.FIELDS)]


def refresh_computed_values(team_id: int, week_ids: Iterable[int], user=None) -> None:
    """Store the team's computed KPIs for these weeks from their records: the one writer of those values.

    A week gets a value when the team reported it or has records in it (no incident is a real 0); a
    computed value without records or report goes, unless a note keeps the row. Four queries.
    """
    week_ids = {week_id for week_id in week_ids if week_id}
    kpis = list(KPI.objects.filter(team_id=team_id).exclude(computed_from=""))
    if not kpis or not week_ids:
        return
    records = defaultdict(list)
    for record in Incident.objects.filter(team_id=team_id, week_id__in=week_ids):
        records[record.week_id].append(record)
    reports = dict(
        WeeklyReport.objects.filter(team_id=team_id, week_id__in=week_ids).values_list(
            "week_id", "is_generated"
        )
    )
    existing = {
        (row.kpi_id, row.week_id): row for row in KPIValue.objects.filter(kpi__in=kpis, week_id__in=week_ids)
    }
    for week_id in sorted(week_ids):
        week_records = records[week_id]
        shown = week_id in reports or bool(week_records)
        generated = all(r.is_generated for r in week_records) and reports.get(week_id, True)
        for kpi in kpis:
            value = computed_value(kpi.computed_from, week_records) if shown else None
            row = existing.get((kpi.pk, week_id))
            if row is None:
                if value is not None:
                    _write(KPIValue(kpi=kpi, week_id=week_id, is_generated=generated), value, user)
            elif value is None and not row.note:
                if user is not None:
                    row._history_user = user
                row.delete()
            elif row.value != value:
                _write(row, value, user)


def _write(row: KPIValue, value: Decimal | None, user) -> None:
    row.value = value
    row._computed = True  # the pre_save guard need not count again
    if user is not None:  # otherwise the request's user, through the history middleware
        row._history_user = user
        row.updated_by = user
    row.save()


def refresh_kpi(kpi: KPI) -> None:
    """Every week the KPI's team reported, had records in, or has a value of this KPI."""
    weeks = set(WeeklyReport.objects.filter(team_id=kpi.team_id).values_list("week_id", flat=True))
    weeks |= set(Incident.objects.filter(team_id=kpi.team_id).values_list("week_id", flat=True))
    weeks |= set(kpi.values.values_list("week_id", flat=True))
    refresh_computed_values(kpi.team_id, weeks)


def refresh_all() -> None:
    """Every team's computed KPIs in every week (after bulk writes that send no signals: the demo loader)."""
    for team_id in KPI.objects.exclude(computed_from="").values_list("team_id", flat=True).distinct():
        weeks = set(WeeklyReport.objects.filter(team_id=team_id).values_list("week_id", flat=True))
        weeks |= set(Incident.objects.filter(team_id=team_id).values_list("week_id", flat=True))
        refresh_computed_values(team_id, weeks)
