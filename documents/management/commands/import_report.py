"""python manage.py import_report PATH [PATH …] --team payments [--week 2024-W33] [--dry-run] [--create-kpis]

PATH is a report, a folder of reports or a .zip. Weeks are imported in week order, one transaction per
week, and a table sums up each week. No KPI is created unless --create-kpis: a figure no KPI of the team
takes (by name, alias or an unambiguous fragment) stays in the text and is counted as unplaced.
"""

from django.core.management.base import BaseCommand, CommandError

from common.weeks import IsoWeek
from documents.importer import ImportRefused, ReportFormatError, import_report, parse_document
from documents.importer.batch import check_team, parse_many, read_paths
from documents.importer.catalogue import catalogue_of
from reports.models import Team


class Command(BaseCommand):
    help = "Read weekly Markdown reports into a team's weeks (idempotent; --dry-run writes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", help="Report files (UTF-8 Markdown), folders of them, or .zip files."
        )
        parser.add_argument("--team", required=True, help="Team slug, e.g. payments.")
        parser.add_argument(
            "--week", help="ISO week of a single report whose title names none (or the wrong one)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what was recognised; write nothing.")
        parser.add_argument(
            "--create-kpis",
            action="store_true",
            help="Create a KPI for each figure no KPI of the team takes.",
        )
        parser.add_argument(
            "--allow-published", action="store_true", help="Overwrite a published week (admins only)."
        )

    def handle(
        self,
        *args,
        paths,
        team,
        week=None,
        dry_run=False,
        create_kpis=False,
        allow_published=False,
        **options,
    ):
        team_obj = Team.objects.filter(slug=team).first()
        if team_obj is None:
            raise CommandError(f"No team with slug {team!r}.")
        try:
            week = IsoWeek.parse(week) if week else None
        except ValueError as error:
            raise CommandError(f"Give the week as 2024-W33 ({error}).") from error
        try:
            sources = read_paths(paths)
            if week is not None:
                if len(sources) != 1:
                    raise CommandError(
                        "--week applies to a single report; several are read from their titles."
                    )
                parsed = parse_document(sources[0].text, week, catalogue_of(team_obj))
                check_team(parsed, team_obj)
                reports = [(sources[0], parsed)]
            else:
                reports = parse_many(sources, team_obj)
        except OSError as error:
            raise CommandError(
                f"Cannot read {error.filename or paths[0]}: {error.strerror or error}"
            ) from error
        except ReportFormatError as error:
            raise CommandError(str(error)) from error
        rows = []
        for source, parsed in reports:
            self._summary(source.name, parsed)
            if dry_run:
                rows.append(
                    (
                        parsed.week,
                        len(parsed.placed_figures),
                        len(parsed.incidents),
                        len(parsed.unplaced_figures),
                        "dry run",
                    )
                )
                continue
            try:
                result = import_report(
                    parsed, team_obj, allow_locked=allow_published, create_kpis=create_kpis
                )
            except ImportRefused as error:
                raise CommandError(
                    f"{error} Use --allow-published to overwrite it. Weeks before it were imported."
                ) from error
            for warning in result.warnings[len(parsed.warnings) :]:
                self.stderr.write(f"warning: {warning}")
            if result.changed:
                changes = ", ".join(f"{label}: {count}" for label, count in sorted(result.changes.items()))
                self.stdout.write(
                    self.style.SUCCESS(f"Imported {parsed.week} for {team_obj.slug} ({changes}).")
                )
                state = "imported"
            else:
                self.stdout.write(
                    f"{parsed.week} for {team_obj.slug} was already up to date; nothing changed."
                )
                state = "up to date"
            rows.append((parsed.week, result.figures, len(parsed.incidents), len(result.unplaced), state))
        if dry_run:
            self.stdout.write("Dry run: nothing written.")
        self._table(rows)

    def _table(self, rows):
        self.stdout.write("")
        self.stdout.write(f"{'week':<10} {'figures':>7} {'incidents':>9} {'unplaced':>8}  result")
        for week, figures, incidents, unplaced, state in rows:
            self.stdout.write(f"{str(week):<10} {figures:>7} {incidents:>9} {unplaced:>8}  {state}")

    def _summary(self, name, parsed):
        write = self.stdout.write
        write(f"{name}: week {parsed.week} ({parsed.week_source})")
        write(f"KPI figures: {len(parsed.placed_figures)}")
        for figure in parsed.placed_figures:
            previous = f" (last week {figure.previous})" if figure.previous is not None else ""
            write(f"  [{figure.group}] {figure.name} = {figure.value}{figure.unit_label}{previous}")
        if parsed.unplaced_figures:
            write(
                f"Unplaced (no KPI of the team; kept as text unless --create-kpis): "
                f"{len(parsed.unplaced_figures)}"
            )
            for figure in parsed.unplaced_figures:
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
