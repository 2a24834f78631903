from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ops.backup import backup_to_file


class Command(BaseCommand):
    help = (
        "Write every row (users, groups, reports, KPIs, OKRs, incidents, change history) to a portable "
        "JSON file, gzip-compressed when the name ends in .gz. Restore with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="File to write (default: reportsite-backup-<UTC timestamp>.json.gz in the current folder).",
        )

    def handle(self, *args, output=None, **options):
        path = Path(output or f"reportsite-backup-{timezone.now():%Y%m%dT%H%M%SZ}.json.gz")
        if path.suffix not in (".json", ".gz"):
            raise CommandError(f"{path}: the backup file name must end in .json or .json.gz.")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not an existing folder.")
        try:
            count = backup_to_file(path)
        except OSError as error:
            raise CommandError(f"Could not write {path}: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} rows to {path}."))
