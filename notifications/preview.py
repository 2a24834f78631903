"""Every message a channel can receive, rendered as it would be sent, from the latest week's data."""

from __future__ import annotations

import json
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


def _messages(channel: Channel, user) -> list[tuple[str, Message]]:
    week = latest_week_with_data() or current_week()
    team = channel.team or Team.objects.filter(is_active=True).first() or Team(name=_("Team"), slug="team")
    missing = list(teams_missing(week)) or [team]
    drafts = set(
        WeeklyReport.objects.filter(week__starts_on=week.monday, team__in=missing).values_list(
            "team", flat=True
        )
    )
    incident = (
        Incident.objects.filter(grade__in=ANNOUNCED_GRADES)
        .select_related("team")
        .order_by("-started_at")
        .first()
    )
    if incident is None:
        incident = Incident(team=team, grade="B", title=_("Example incident"), started_at=timezone.now())
    reminder = (
        team_message(team, week, None) if channel.team_id else department_message(missing, week, drafts, None)
    )
    return [
        (Event.SUBMITTED, events.week_message(Event.SUBMITTED, team, week, user)),
        (Event.PUBLISHED, events.week_message(Event.PUBLISHED, team, week, user)),
        (Event.REMINDER, reminder),
        (Event.INCIDENT, events.incident_message(incident)),
        (Event.DIGEST, digest_message(digest_data(week))),
        (Event.TEST, events.test_message(channel)),
    ]


def previews(channel: Channel, user) -> list[Preview]:
    labels = dict(Event.choices)
    result = []
    with translation.override(channel.language):
        for event, message in _messages(channel, user):
            preview = Preview(event, str(labels[event]), message)
            if channel.is_email:
                preview.subject, _text, preview.html = email_parts(message, channel.language)
            else:
                body = platforms.body_for(channel.kind, message, language=channel.language)
                preview.body = json.dumps(body, ensure_ascii=False, indent=2)
            result.append(preview)
    return result
