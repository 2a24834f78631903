"""python manage.py import_report PATH --team payments [--week 2024-W33] [--dry-run] [--allow-published]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.weeks import IsoWeek
from documents.importer import ImportRefused, ReportFormatError, decode, import_report, parse_document
from documents.importer.text import MAX_BYTES
from reports.models import Team


class Command(BaseCommand):
    help = "Read a weekly Markdown report into a team's week (idempotent; --dry-run writes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The report file (UTF-8 Markdown).")
        parser.add_argument("--team", required=True, help="Team slug, e.g. payments.")
        parser.add_argument("--week", help="ISO week, when the document has no “# 2024-W33” title.")
        parser.add_argument("--dry-run", action="store_true", help="Show what was recognised; write nothing.")
        parser.add_argument(
            "--allow-published", action="store_true", help="Overwrite a published week (admins only)."
        )

    def handle(self, *args, path, team, week=None, dry_run=False, allow_published=False, **options):
        team_obj = Team.objects.filter(slug=team).first()
        if team_obj is None:
            raise CommandError(f"No team with slug {team!r}.")
        try:
            week = IsoWeek.parse(week) if week else None
        except ValueError as error:
            raise CommandError(f"Give the week as 2024-W33 ({error}).") from error
        file = Path(path)
        try:
            if file.stat().st_size > MAX_BYTES:
                raise CommandError(
                    f"{path} is larger than {MAX_BYTES // 1024} KB; a weekly report is far smaller."
                )
            parsed = parse_document(decode(file.read_bytes()), week)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        except ReportFormatError as error:
            raise CommandError(str(error)) from error
        self._summary(parsed)
        if dry_run:
            self.stdout.write("Dry run: nothing written.")
            return
        try:
            result = import_report(parsed, team_obj, allow_locked=allow_published)
        except ImportRefused as error:
            raise CommandError(f"{error} Use --allow-published to overwrite it.") from error
        for warning in result.warnings[len(parsed.warnings) :]:
            self.stderr.write(f"warning: {warning}")
        if result.changed:
            changes = ", ".join(f"{label}: {count}" for label, count in sorted(result.changes.items()))
            self.stdout.write(self.style.SUCCESS(f"Imported {parsed.week} for {team_obj.slug} ({changes})."))
        else:
            self.stdout.write(f"{parsed.week} for {team_obj.slug} was already up to date; nothing changed.")

    def _summary(self, parsed):
        write = self.stdout.write
        write(f"Week {parsed.week}")
        write(f"KPI figures: {len(parsed.figures)}")
        for figure in parsed.figures:
            previous = f" (last week {figure.previous})" if figure.previous is not None else ""
            write(f"  [{figure.group}] {figure.name} = {figure.value}{figure.unit_label}{previous}")
        for okr in parsed.okr_sections:
            write(f"{okr.code} {okr.title}: {len(okr.items)} items")
            for item in okr.items:
                progress = f" {item.progress}%" if item.progress is not None else ""
                eta = f" ETA {item.eta}" if item.eta else ""
                write(f"  {item.number}. {item.title}{progress}{eta}")
        write(f"Production events: {len(parsed.incidents)}")
        for incident in parsed.incidents:
            resolved = f" → {incident.resolved_at:%H:%M}" if incident.resolved_at else ""
            write(f"  {incident.started_at:%Y-%m-%d %H:%M}{resolved} {incident.title}")
        write(
            f"Sections kept verbatim: {len(parsed.verbatim_sections)}; TODOs: {len(parsed.todos)}; "
            f"plans: {len(parsed.plans)}"
        )
        for warning in parsed.warnings:
            self.stderr.write(f"warning: {warning}")
