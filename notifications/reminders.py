"""The reminder of a week still missing: to each missing team's leads by email and to subscribed channels.

`remind_missing` (the command) and the worker's schedule both call `remind(week)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.weeks import IsoWeek
from notifications.events import absolute, channels_for, notification, queue
from notifications.message import Line, Message, Section
from notifications.models import Event, Notification
from reports.models import Team, WeeklyReport


def teams_missing(week: IsoWeek):
    """Active teams without a submitted or published report for the week, with their leads."""
    return Team.objects.missing_report(week).prefetch_related("leads").order_by("position", "name")


def _edit_url(team: Team, week: IsoWeek, base: str | None) -> str:
    return absolute(reverse("team-week-edit", kwargs={"team": team.slug, "week": week}), base)


def lead_message(team: Team, week: IsoWeek, lead, base: str | None) -> Message:
    values = {"team": team.name, "week": week, "name": lead.get_full_name() or lead.get_username()}
    return Message(
        event=Event.REMINDER,
        title=_("Weekly report %(week)s for %(team)s is not submitted yet") % values,
        intro=_(
            "Hello %(name)s,\n\nthe weekly report of %(team)s for %(week)s has not been submitted yet.\n"
            "Please fill it in and submit it:"
        )
        % values,
        link_text=_("Fill in the week"),
        link_url=_edit_url(team, week, base),
        data={"team": team.slug, "week": str(week)},
    )


def team_message(team: Team, week: IsoWeek, base: str | None) -> Message:
    values = {"team": team.name, "week": week}
    return Message(
        event=Event.REMINDER,
        title=_("Weekly report %(week)s for %(team)s is not submitted yet") % values,
        intro=_("The weekly report of %(team)s for %(week)s has not been submitted yet.") % values,
        link_text=_("Fill in the week"),
        link_url=_edit_url(team, week, base),
        data={"team": team.slug, "week": str(week)},
    )


def department_message(teams: list[Team], week: IsoWeek, drafts: set[int], base: str | None) -> Message:
    lines = [
        Line(team.name + (f" · {_('draft')}" if team.pk in drafts else ""), _edit_url(team, week, base))
        for team in teams
    ]
    return Message(
        event=Event.REMINDER,
        title=ngettext(
            "%(count)s team has not submitted %(week)s yet",
            "%(count)s teams have not submitted %(week)s yet",
            len(teams),
        )
        % {"count": len(teams), "week": week},
        sections=[Section(_("Who is missing"), lines)],
        link_text=_("Open the department overview"),
        link_url=absolute(reverse("department-week", kwargs={"week": week}), base),
        data={"week": str(week), "missing": [team.slug for team in teams]},
    )


@dataclass
class Reminders:
    notifications: list[Notification] = field(default_factory=list)
    # What the command prints: who was reminded, and why someone could not be.
    reminded: list[tuple[Notification, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def remind(
    week: IsoWeek, *, base: str | None = None, scheduled: bool = False, leads: bool = True
) -> Reminders:
    """Queue the reminders for a week. Scheduled runs carry keys, so each goes out once a week."""
    result = Reminders()
    missing = list(teams_missing(week))
    if not missing:
        return result
    drafts = set(
        WeeklyReport.objects.filter(week__starts_on=week.monday, team__in=missing).values_list(
            "team", flat=True
        )
    )
    language = settings.LANGUAGE_CODE
    missing_ids = {team.pk for team in missing}
    pending: list[tuple[Notification, str]] = []

    def key(*parts) -> str:
        return ":".join(["reminder", str(week), *map(str, parts)]) if scheduled else ""

    if leads:
        for team in missing:
            active = [lead for lead in team.leads.all() if lead.is_active]
            if not active:
                result.problems.append(f"{team.name}: no lead to remind")
            for lead in active:
                if not lead.email:
                    result.problems.append(f"{team.name}: {lead.get_username()} has no email address")
                    continue
                with translation.override(language):
                    message = lead_message(team, week, lead, base)
                row = notification(message, language, recipients=[lead.email], key=key("lead", lead.pk))
                pending.append((row, f"{team.name}: {lead.get_username()} <{lead.email}>"))
    for channel in channels_for(Event.REMINDER, everyone=True):
        with translation.override(channel.language):
            if channel.team_id is None:
                message = department_message(missing, week, drafts, base)
            elif channel.team_id in missing_ids:
                message = team_message(channel.team, week, base)
            else:
                continue
        label = f"{channel.scope()}: channel {channel.name}"
        pending.append(
            (notification(message, channel.language, channel=channel, key=key("channel", channel.pk)), label)
        )
    written = queue(row for row, _label in pending)
    stored = {row.key or id(row): row for row in written}
    for row, label in pending:
        if (row.key or id(row)) in stored:
            result.reminded.append((stored[row.key or id(row)], label))
    result.notifications = written
    return result
