"""Production events in a section whose title does not name them: `稳定性`, `风险与问题`, `Risks and issues`.

Such a section holds figures and prose as well, so only a line that reads clearly as an event is one: it
opens with a date and a time as an event line does, and it says an outage or a failure (故障, 中断, 超时,
outage, failed…). It takes the lines indented under it; everything else stays the section's text. The title
leaves the reading a guess, so the preview names each event read this way, for the user to check.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from common.weeks import IsoWeek
from documents.importer.figures import normalize
from documents.importer.incidents import SUBHEADING, read_incidents, starts_event
from documents.importer.kinds import section_kind
from documents.importer.structure import IncidentEntry
from documents.importer.text import dedent, indent_of

OUTAGE = re.compile(
    r"故障|事故|宕机|中断|不可用|异常|报错|失败|超时|抖动|延迟|积压|"
    r"outage|incident|\bdown\b|downtime|unavailable|fail|error|timeout|timed out|degraded|delay",
    re.IGNORECASE,
)


def reads_as_event(line: str) -> bool:
    """Whether a line, or a sub-heading's title, opens an event by this module's rule."""
    return starts_event(line) and bool(OUTAGE.search(normalize(line)))


def opens_entry(section: str, title: str) -> bool:
    """Whether a sub-heading is an event of the section it stands in rather than a section of its own."""
    kind = section_kind(section)
    return (kind == "incidents" and starts_event(title)) or (kind == "risks" and reads_as_event(title))


def _event_end(lines: list[str], index: int) -> int:
    """Where the event opened at `index` ends; 0 when none opens there."""
    line, end = lines[index], index + 1
    heading = SUBHEADING.match(line) if line.startswith("#") else None
    if heading and reads_as_event(heading["title"]):
        # A sub-heading holds all that is under it, up to the next one.
        while end < len(lines) and not lines[end].startswith("#"):
            end += 1
        return end
    if line.strip() and indent_of(line) == 0 and reads_as_event(line):
        while end < len(lines) and lines[end].strip() and indent_of(lines[end]) > 0:
            end += 1
        return end
    return 0


def events_among(
    title: str, lines: list[str], week: IsoWeek, warnings: list[str]
) -> tuple[list[IncidentEntry], list[str]]:
    """The events a section states among its other lines, and those other lines."""
    lines = dedent(lines)
    found: list[IncidentEntry] = []
    kept: list[str] = []
    index = 0
    while index < len(lines):
        end = _event_end(lines, index)
        if end:
            events, _intro = read_incidents(lines[index:end], week, warnings)
            if events:
                found.extend(events)
                index = end
                continue
        else:
            end = index + 1
        kept.extend(lines[index:end])
        index = end
    if found:
        warnings.append(
            _(
                "“%(section)s” is not titled as production events, but these lines read as events and are "
                "imported as such; check them: %(events)s."
            )
            % {
                "section": title,
                "events": "; ".join(f"{event.started_at:%Y-%m-%d %H:%M} {event.title}" for event in found),
            }
        )
    return found, kept
