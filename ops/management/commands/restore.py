from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError

from ops.backup import RestoreRefused, restore_from_file


class Command(BaseCommand):
    help = (
        "Load a file written by `manage.py backup` into a freshly migrated database (run `migrate` first). "
        "Refuses when the database already holds data unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .json or .json.gz file written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete ALL existing data first, then restore. Everything happens in one transaction.",
        )

    def handle(self, *args, file, force=False, **options):
        path = Path(file)
        try:
            restore_from_file(path, force=force)
        except (RestoreRefused, ValueError) as error:
            raise CommandError(str(error)) from None
        except (DeserializationError, IntegrityError, DatabaseError) as error:
            # The transaction rolled back; the database is as it was before the restore.
            raise CommandError(f"Restore failed and was rolled back: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
