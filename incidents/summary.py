"""A week's incidents in brief: the list, the grade tally against last week, time to resolve, discovery.

The one owner of these figures: the overview and the team week both summarise through here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from common.formatting import quantize
from common.weeks import IsoWeek
from incidents.models import Incident

GRADES = ("A", "B", "C", "D")


@dataclass
class IncidentSummary:
    incidents: list[Incident]
    tally: list[tuple[str, Decimal, Decimal]]
    resolved_count: int
    mean_time_to_resolve: dt.timedelta | None
    proactive_count: int
    proactive_share: Decimal | None

    @property
    def count(self) -> int:
        return len(self.incidents)


def summarize_incidents(incidents: Iterable[Incident], week: IsoWeek) -> IncidentSummary:
    """Split incidents of this and last week into this week's list and the grade tally of both weeks."""
    this_week, tally_this, tally_last = [], defaultdict(Decimal), defaultdict(Decimal)
    for incident in incidents:
        is_this_week = incident.week.starts_on == week.monday
        if is_this_week:
            this_week.append(incident)
        if incident.grade:
            (tally_this if is_this_week else tally_last)[incident.grade] += incident.responsibility_share
    durations = [incident.time_to_resolve for incident in this_week if incident.resolved_at]
    proactive = sum(1 for incident in this_week if incident.detection == Incident.Detection.PROACTIVE)
    return IncidentSummary(
        incidents=this_week,
        tally=[(grade, tally_this[grade], tally_last[grade]) for grade in GRADES],
        resolved_count=len(durations),
        mean_time_to_resolve=sum(durations, dt.timedelta()) / len(durations) if durations else None,
        proactive_count=proactive,
        proactive_share=quantize(Decimal(proactive) * 100 / len(this_week), 1) if this_week else None,
    )
