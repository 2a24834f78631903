"""Incident arithmetic shared by the list, the detail page and exports: durations and the timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import Incident


def duration_minutes(duration: dt.timedelta | None) -> int | None:
    """Whole minutes, for exports where a duration must stay a number."""
    if duration is None:
        return None
    return int(duration.total_seconds() // 60)


def format_duration(duration: dt.timedelta | None) -> str:
    """1 h 29 min, 2 d 3 h, 45 min; rounded down to the minute."""
    if duration is None:
        return ""
    minutes = duration_minutes(duration)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@dataclass(frozen=True)
class TimelineStep:
    label: str
    moment: dt.datetime | None
    since_previous: dt.timedelta | None

    @property
    def since_previous_text(self) -> str:
        return format_duration(self.since_previous)


TIMELINE = [
    ("started_at", gettext_lazy("Started")),
    ("detected_at", gettext_lazy("Detected")),
    ("mitigated_at", gettext_lazy("Mitigated")),
    ("resolved_at", gettext_lazy("Resolved")),
]


def timeline(incident: Incident) -> list[TimelineStep]:
    """Each moment with the time since the previous known moment; unknown moments stay in place, empty."""
    steps, previous = [], None
    for field, label in TIMELINE:
        moment = getattr(incident, field)
        since = moment - previous if moment and previous else None
        steps.append(TimelineStep(str(label), moment, since))
        previous = moment or previous
    return steps
