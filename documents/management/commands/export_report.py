"""python manage.py export_report --team payments --week 2024-W33 [--output FILE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.weeks import IsoWeek
from documents.export import team_week_markdown
from reports.models import Team


class Command(BaseCommand):
    help = "Write a team's week as the weekly Markdown document."

    def add_arguments(self, parser):
        parser.add_argument("--team", required=True, help="Team slug, e.g. payments.")
        parser.add_argument("--week", required=True, help="ISO week, e.g. 2024-W33.")
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args, team, week, output=None, **options):
        try:
            week = IsoWeek.parse(week)
        except ValueError as error:
            raise CommandError(f"Give the week as 2024-W33 ({error}).") from error
        team_obj = Team.objects.filter(slug=team).first()
        if team_obj is None:
            raise CommandError(f"No team with slug {team!r}.")
        text = team_week_markdown(team_obj, week)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error}") from error
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")
