"""The events: who hears about them (channels), what they say (a Message per language), and the outbox.

Every enqueue writes Notification rows in the caller's transaction: a week's status change and its
announcement commit together or not at all, and the worker delivers after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.weeks import IsoWeek
from incidents.models import Incident
from notifications.message import Line, Message, Section
from notifications.models import SUBSCRIBABLE, Channel, Event, Notification
from reports.models import Team, WeeklyReport

log = logging.getLogger(__name__)


def absolute(path: str, base: str | None = None) -> str:
    base = settings.SITE_URL if base is None else base.rstrip("/")
    return f"{base}{path}"


def channels_for(event: str, team: Team | None = None, *, everyone: bool = False):
    """Active channels subscribed to the event: the team's and the department's (or all of them)."""
    channels = Channel.objects.filter(is_active=True, **{SUBSCRIBABLE[event]: True}).select_related("team")
    if everyone:
        return channels
    scope = Q(team__isnull=True) | Q(team=team) if team else Q(team__isnull=True)
    return channels.filter(scope)


def notification(
    message: Message, language: str, *, channel: Channel | None = None, recipients=(), key: str = ""
) -> Notification:
    return Notification(
        event=message.event,
        channel=channel,
        recipients=list(recipients),
        language=language,
        title=message.title[:300],
        message=message.to_dict(),
        key=key,
        max_attempts=1 if message.event == Event.TEST else settings.NOTIFY_MAX_ATTEMPTS,
        next_attempt_at=timezone.now(),
    )


def queue(rows: Iterable[Notification]) -> list[Notification]:
    """Write to the outbox; a keyed row already there (a schedule checked twice) is left alone."""
    rows = list(rows)
    plain = [row for row in rows if not row.key]
    keyed = [row for row in rows if row.key]
    written = Notification.objects.bulk_create(plain) if plain else []
    if keyed:
        keys = [row.key for row in keyed]
        taken = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
        fresh = [row for row in keyed if row.key not in taken]
        if fresh:
            # ignore_conflicts: two workers checking the schedule at once write each key once.
            Notification.objects.bulk_create(fresh, ignore_conflicts=True)
            written += list(Notification.objects.filter(key__in=[row.key for row in fresh]))
    return written


def announce(build, channels: Iterable[Channel]) -> list[Notification]:
    """One message per channel in its language; the message is built once per language."""
    built: dict[str, Message] = {}
    rows = []
    for channel in channels:
        if channel.language not in built:
            with translation.override(channel.language):
                built[channel.language] = build()
        rows.append(notification(built[channel.language], channel.language, channel=channel))
    return queue(rows)


def safely(event_name: str, enqueue) -> list[Notification]:
    """Enqueue in a savepoint of the caller's transaction: a broken announcement never costs the save."""
    try:
        with transaction.atomic():
            return enqueue()
    except Exception:
        log.exception("could not queue the %s notification; the change itself was saved", event_name)
        return []


def _name(user) -> str:
    if user is None:
        return _("Someone")
    return user.get_full_name() or user.get_username()


# ---------------------------------------------------------------- a week submitted / published


def week_message(event: str, team: Team, week: IsoWeek, user, base: str | None = None) -> Message:
    values = {"team": team.name, "week": week, "who": _name(user)}
    if event == Event.SUBMITTED:
        title = _("%(team)s submitted %(week)s") % values
        intro = _("%(who)s submitted the weekly report of %(team)s for %(week)s.") % values
    else:
        title = _("%(team)s %(week)s is published") % values
        intro = _("%(who)s published the weekly report of %(team)s for %(week)s; it is now locked.") % values
    return Message(
        event=event,
        title=title,
        intro=intro,
        link_text=_("Open the team's week"),
        link_url=absolute(reverse("team-week", kwargs={"team": team.slug, "week": week}), base),
        data={"team": team.slug, "week": str(week), "by": user.get_username() if user else None},
    )


def week_status_changed(report: WeeklyReport, event: str) -> list[Notification]:
    team, week = report.team, report.week.iso
    user = report.submitted_by if event == Event.SUBMITTED else report.published_by
    return announce(lambda: week_message(event, team, week, user), channels_for(event, team))


# ---------------------------------------------------------------- a new A/B-grade incident


def incident_message(incident: Incident, base: str | None = None) -> Message:
    values = {"grade": incident.grade, "title": incident.title, "team": incident.team.name}
    started = timezone.localtime(incident.started_at).strftime("%Y-%m-%d %H:%M")
    lines = [Line(_("Started %(when)s") % {"when": started})]
    if incident.affected_system:
        lines.append(Line(_("Affected system: %(system)s") % {"system": incident.affected_system}))
    if incident.impact_count is not None:
        lines.append(
            Line(
                ngettext("%(failed)s failed operation", "%(failed)s failed operations", incident.impact_count)
                % {"failed": incident.impact_count}
            )
        )
    if incident.impact:
        lines.append(Line(_("Impact: %(impact)s") % {"impact": incident.impact}))
    status = {"open": _("open"), "mitigated": _("mitigated"), "resolved": _("resolved")}[incident.status]
    lines.append(Line(_("Status: %(status)s") % {"status": status}))
    return Message(
        event=Event.INCIDENT,
        title=_("Grade %(grade)s incident in %(team)s: %(title)s") % values,
        intro=incident.get_kind_display(),
        sections=[Section(_("Incident"), lines)],
        link_text=_("Open the incident"),
        link_url=absolute(reverse("incident-detail", kwargs={"pk": incident.pk or 0}), base),
        data={
            "team": incident.team.slug,
            "week": str(IsoWeek.from_date(timezone.localtime(incident.started_at).date())),
            "grade": incident.grade,
            "title": incident.title,
            "started_at": incident.started_at.isoformat(),
            "status": incident.status,
        },
    )


def incident_graded(incident: Incident) -> list[Notification]:
    return announce(lambda: incident_message(incident), channels_for(Event.INCIDENT, incident.team))


# ---------------------------------------------------------------- test message


def test_message(channel: Channel, base: str | None = None) -> Message:
    return Message(
        event=Event.TEST,
        title=_("Test message from reportsite"),
        intro=_("The channel “%(name)s” is set up: this message reached it.") % {"name": channel.name},
        link_text=_("Open the department overview"),
        link_url=absolute(reverse("home"), base),
        data={"channel": channel.name},
    )


def send_test(channel: Channel) -> Notification:
    with translation.override(channel.language):
        message = test_message(channel)
    return queue([notification(message, channel.language, channel=channel)])[0]
