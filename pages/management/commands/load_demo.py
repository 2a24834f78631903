"""`manage.py load_demo`: the seed week 2024-W33 plus generated history, for trying the app out."""

from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError

from pages.demo.loader import load_demo
from pages.demo.teams import USERS


def runserver_address() -> str:
    """Where `manage.py runserver` without arguments listens: the installed command's own defaults.

    Read from the command that will run (an app such as staticfiles may replace Django's), not assumed.
    """
    command = load_command_class(get_commands()["runserver"], "runserver")
    return f"{command.default_addr}:{command.default_port}"


class Command(BaseCommand):
    help = "Load the demo department: payments' real week 2024-W33, two more teams and months of history."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off (the demo users have well-known passwords).",
        )
        parser.add_argument(
            "--address",
            help="The host:port runserver is started on, for the login address printed at the end "
            "(default: runserver's own).",
        )

    def handle(self, *args, force=False, address=None, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo creates users with well-known passwords, so it only runs with DEBUG on. "
                "Set DEBUG=true, or pass --force if you really want demo data here."
            )
        created = load_demo()
        if created:
            summary = ", ".join(f"{count} {name}" for name, count in sorted(created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already loaded; nothing changed."))
        logins = ", ".join(f"{u.username} / {u.password}" for u in USERS)
        server = f"http://{address or runserver_address()}/"
        self.stdout.write(f"Log in at {server} as {logins} (existing users keep their passwords).")
