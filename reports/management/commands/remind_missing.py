"""Email the leads of every active team that has not submitted its week yet.

    python manage.py remind_missing --week 2024-W34

Mail goes through the configured backend (console by default, SMTP from the environment).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from common.weeks import IsoWeek
from reports.models import Team


def teams_missing(week: IsoWeek):
    """Active teams without a submitted or published report for the week, with their leads."""
    return Team.objects.missing_report(week).prefetch_related("leads").order_by("position", "name")


class Command(BaseCommand):
    help = "Email the leads of active teams that have not submitted the given week."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week such as 2024-W34; defaults to the current week.")
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address, so the email links to the form (e.g. https://reports.example.com).",
        )

    def handle(self, *args, week=None, base_url="", **options):
        if week:
            try:
                week = IsoWeek.parse(week)
            except ValueError as error:
                raise CommandError(f"--week {week!r}: {error}. Use the form 2024-W34.") from error
        else:
            week = IsoWeek.from_date(timezone.localdate())
        messages, reminded = [], []
        for team in teams_missing(week):
            leads = [lead for lead in team.leads.all() if lead.is_active]
            if not leads:
                self.stderr.write(f"{team.name}: no lead to remind")
                continue
            for lead in leads:
                if not lead.email:
                    self.stderr.write(f"{team.name}: {lead.get_username()} has no email address")
                    continue
                path = reverse("team-week-edit", kwargs={"team": team.slug, "week": week})
                context = {"team": team, "week": week, "lead": lead, "url": base_url.rstrip("/") + path}
                subject = render_to_string("reports/email/remind_missing_subject.txt", context)
                body = render_to_string("reports/email/remind_missing_body.txt", context)
                messages.append(
                    EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [lead.email])
                )
                reminded.append(f"{team.name}: {lead.get_username()} <{lead.email}>")
        if messages:
            get_connection().send_messages(messages)
        for line in reminded:
            self.stdout.write(f"Reminded {line}")
        self.stdout.write(f"{week}: {len(reminded)} reminder(s) sent.")
