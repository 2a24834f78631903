"""The outbox worker: queue what the schedule says is due, deliver what is waiting, retry what failed.

    python manage.py run_notifications          # runs until stopped (SIGTERM/SIGINT finish the message)
    python manage.py run_notifications --once   # one round, for cron

On PostgreSQL run as many as you like (rows are claimed with SELECT … FOR UPDATE SKIP LOCKED);
on SQLite run exactly one.
"""

from __future__ import annotations

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from notifications.delivery import deliver_due
from notifications.schedule import queue_due


class Command(BaseCommand):
    help = "Deliver queued notifications (chat webhooks, email) and queue the scheduled digest and reminder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="One round: schedule, deliver what is due, exit."
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Only deliver; leave the digest and reminder to another worker.",
        )

    def handle(self, *args, once=False, no_schedule=False, **options):
        self.stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        while True:
            queued = [] if no_schedule else queue_due()
            delivered = 0
            while not self.stopping and (batch := deliver_due()):
                delivered += batch
            if queued or delivered or once:
                self.stdout.write(f"{len(queued)} queued, {delivered} delivery attempt(s).")
            if once or self.stopping:
                return
            for _second in range(max(1, settings.NOTIFY_POLL_SECONDS)):
                if self.stopping:
                    return
                time.sleep(1)
            # A long-running worker outlives database restarts: drop a broken or expired connection.
            close_old_connections()

    def _stop(self, signum, frame):
        self.stopping = True
