"""Remind the leads of every active team that has not submitted its week yet, and the subscribed channels.

    python manage.py remind_missing --week 2024-W34

A thin wrapper over the reminder event (notifications/reminders.py): it queues the reminders and
delivers them at once; any that fail stay in the outbox for the worker to retry.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from common.weeks import IsoWeek
from notifications.delivery import deliver_due
from notifications.models import Notification
from notifications.reminders import remind


class Command(BaseCommand):
    help = "Remind the leads (by email) and channels of active teams that have not submitted the given week."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week such as 2024-W34; defaults to the current week.")
        parser.add_argument(
            "--base-url",
            default=None,
            help="The site's address, so the message links to the form (default: SITE_URL).",
        )

    def handle(self, *args, week=None, base_url=None, **options):
        if week:
            try:
                week = IsoWeek.parse(week)
            except ValueError as error:
                raise CommandError(f"--week {week!r}: {error}. Use the form 2024-W34.") from error
        else:
            week = IsoWeek.from_date(timezone.localdate())
        with transaction.atomic():
            result = remind(week, base=base_url)
        for problem in result.problems:
            self.stderr.write(problem)
        ids = [row.pk for row in result.notifications]
        # One try each now; what fails stays queued for the worker's retries.
        if ids:
            deliver_due(limit=len(ids), only=ids)
        sent = dict(Notification.objects.filter(pk__in=ids).values_list("pk", "status"))
        count = 0
        for row, label in result.reminded:
            if sent.get(row.pk) == Notification.Status.SENT:
                count += 1
                self.stdout.write(f"Reminded {label}")
            else:
                self.stderr.write(f"Not delivered yet, the worker retries: {label}")
        self.stdout.write(f"{week}: {count} reminder(s) sent.")
