"""When the scheduled events are due, in NOTIFY_TIME_ZONE: the Monday digest and the reminder.

Checked by the worker on every round; each event carries a key per week and channel, so checking twice
(or two workers checking at once) queues it once. A worker that was down at the hour catches up later
in the same week, never for a week already past.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

from common.weeks import IsoWeek
from notifications.digest import digest_data, digest_message
from notifications.events import channels_for, notification, queue
from notifications.models import Event, Notification
from notifications.reminders import remind


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(settings.NOTIFY_TIME_ZONE))


def moment(week: IsoWeek, weekday: int, hour: int) -> dt.datetime:
    """The hour on the ISO weekday (1 = Monday) of the week, in the schedule's time zone."""
    day = week.monday + dt.timedelta(days=weekday - 1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo(settings.NOTIFY_TIME_ZONE))


def queue_digest(week: IsoWeek, *, scheduled: bool = True, base: str | None = None) -> list[Notification]:
    """The digest of `week` for every subscribed channel, each in its language; the figures computed once."""
    channels = list(channels_for(Event.DIGEST, everyone=True))
    if scheduled:
        taken = set(
            Notification.objects.filter(
                key__in=[f"digest:{week}:{channel.pk}" for channel in channels]
            ).values_list("key", flat=True)
        )
        channels = [channel for channel in channels if f"digest:{week}:{channel.pk}" not in taken]
    if not channels:
        return []
    data = digest_data(week)
    messages = {}
    rows = []
    for channel in channels:
        if channel.language not in messages:
            with translation.override(channel.language):
                messages[channel.language] = digest_message(data, base)
        key = f"digest:{week}:{channel.pk}" if scheduled else ""
        rows.append(notification(messages[channel.language], channel.language, channel=channel, key=key))
    return queue(rows)


def queue_due(now: dt.datetime | None = None) -> list[Notification]:
    """Queue whatever the schedule says is due now: this week's reminder, last week's digest."""
    local = local_now(now)
    this_week = IsoWeek.from_date(local.date())
    queued = []
    if local >= moment(this_week, settings.NOTIFY_DIGEST_WEEKDAY, settings.NOTIFY_DIGEST_HOUR):
        queued += queue_digest(this_week.previous())
    if local >= moment(this_week, settings.NOTIFY_REMINDER_WEEKDAY, settings.NOTIFY_REMINDER_HOUR):
        queued += remind(this_week, scheduled=True, leads=settings.NOTIFY_REMIND_LEADS).notifications
    return queued
