"""Every message a channel can receive, rendered as it would be sent, from the latest week's data."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incidents.models import Incident
from notifications import events, platforms
from notifications.delivery import email_parts
from notifications.digest import digest_data, digest_message
from notifications.message import Message
from notifications.models import Channel, Event
from notifications.reminders import department_message, team_message, teams_missing
from notifications.signals import ANNOUNCED_GRADES
from pages.dashboards import current_week, latest_week_with_data
from reports.models import Team, WeeklyReport


@dataclass
class Preview:
    event: str
    label: str
    message: Message
    subject: str = ""
    html: str = ""
    body: str = ""


def _message_builders(channel: Channel, user) -> dict[str, Callable[[], Message]]:
    """Each event's message, built only when asked for: an email preview frames one of them."""
    week = latest_week_with_data() or current_week()
    team = channel.team or Team.objects.filter(is_active=True).first() or Team(name=_("Team"), slug="team")

    def incident_message():
        incident = (
            Incident.objects.filter(grade__in=ANNOUNCED_GRADES)
            .select_related("team")
            .order_by("-started_at")
            .first()
        )
        if incident is None:
            incident = Incident(team=team, grade="B", title=_("Example incident"), started_at=timezone.now())
        return events.incident_message(incident)

    def reminder_message():
        if channel.team_id:
            return team_message(team, week, None)
        missing = list(teams_missing(week)) or [team]
        drafts = set(
            WeeklyReport.objects.filter(week__starts_on=week.monday, team__in=missing).values_list(
                "team", flat=True
            )
        )
        return department_message(missing, week, drafts, None)

    return {
        Event.SUBMITTED: lambda: events.week_message(Event.SUBMITTED, team, week, user),
        Event.PUBLISHED: lambda: events.week_message(Event.PUBLISHED, team, week, user),
        Event.REMINDER: reminder_message,
        Event.INCIDENT: incident_message,
        Event.DIGEST: lambda: digest_message(digest_data(week)),
        Event.TEST: lambda: events.test_message(channel),
    }


def previews(channel: Channel, user, only: str | None = None) -> list[Preview]:
    """Every message the channel can receive, or only the `only` event's (none for an unknown one)."""
    labels = dict(Event.choices)
    result = []
    with translation.override(channel.language):
        for event, build in _message_builders(channel, user).items():
            if only is not None and event != only:
                continue
            message = build()
            preview = Preview(event, str(labels[event]), message)
            if channel.is_email:
                preview.subject, _text, preview.html = email_parts(message, channel.language)
            else:
                body = platforms.body_for(channel.kind, message, language=channel.language)
                preview.body = json.dumps(body, ensure_ascii=False, indent=2)
            result.append(preview)
    return result
