"""Incident arithmetic shared by the list, the detail page and exports: durations and the timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from common.formatting import format_duration
from incidents.models import Incident


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
