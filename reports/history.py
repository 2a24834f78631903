"""The latest changes to one team's week, read from django-simple-history's tables.

One query per kind of record (report, its sections, TODOs and plans, KPI values, key-result
updates, incidents), each cut to the newest few, merged in Python: the cost does not grow with
the number of weeks, KPIs or changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import Incident
from okrs.models import KeyResultUpdate
from reports.models import KPIValue, PlanItem, ReportSection, Team, TodoItem, WeeklyReport
from reports.weeks import IsoWeek

ACTIONS = {
    "+": gettext_lazy("added"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}


@dataclass(frozen=True)
class ChangeEntry:
    when: dt.datetime
    who: str
    action: str
    kind: str
    what: str
    reason: str


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return _("system")
    return user.get_full_name() or user.get_username()


def recent_changes(team: Team, week: IsoWeek, limit: int = 10) -> list[ChangeEntry]:
    monday = week.monday
    sources = [
        (
            WeeklyReport.history.filter(team=team, week__starts_on=monday),
            WeeklyReport,
            lambda r: (
                _("status %(status)s, revision %(revision)s")
                % {"status": r.get_status_display(), "revision": r.revision}
            ),
            (),
        ),
        (
            ReportSection.history.filter(report__team=team, report__week__starts_on=monday),
            ReportSection,
            lambda r: r.title,
            (),
        ),
        (
            # Raised this week, or an older TODO ticked off this week.
            TodoItem.history.filter(report__team=team).filter(
                Q(report__week__starts_on=monday) | Q(done_in__week__starts_on=monday)
            ),
            TodoItem,
            lambda r: r.text.splitlines()[0] if r.text else "",
            (),
        ),
        (
            # This week's plans, and last week's plans ticked off since this week began.
            PlanItem.history.filter(report__team=team).filter(
                Q(report__week__starts_on=monday)
                | Q(
                    report__week__starts_on=week.previous().monday,
                    history_type="~",
                    history_date__gte=_start_of(monday),
                )
            ),
            PlanItem,
            lambda r: r.text,
            (),
        ),
        (
            KPIValue.history.filter(kpi__team=team, week__starts_on=monday),
            KPIValue,
            lambda r: f"{r.kpi.name}: {r.value.normalize():f}" if r.kpi_id else "",
            ("kpi",),
        ),
        (
            KeyResultUpdate.history.filter(key_result__objective__team=team, week__starts_on=monday),
            KeyResultUpdate,
            lambda r: r.key_result.title if r.key_result_id else "",
            ("key_result",),
        ),
        (
            Incident.history.filter(team=team, week__starts_on=monday),
            Incident,
            lambda r: r.title,
            (),
        ),
    ]
    entries = []
    for queryset, model, describe, related in sources:
        records = queryset.select_related("history_user", *related).order_by("-history_date")[:limit]
        for record in records:
            entries.append(
                ChangeEntry(
                    when=record.history_date,
                    who=_who(record),
                    action=str(ACTIONS.get(record.history_type, record.history_type)),
                    kind=str(model._meta.verbose_name),
                    what=describe(record),
                    reason=record.history_change_reason or "",
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
