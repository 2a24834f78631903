"""Create a personal API token for a user, for automation; the token is printed once."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.forms import MAX_DAYS
from api.models import ApiToken


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it once (it is stored only as a hash)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--read-only", action="store_true", help="The token can read but not write.")
        parser.add_argument("--days", type=int, help="Expire after this many days (default: never).")

    def handle(self, *args, username, name, read_only, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is not active; a token of theirs would not work.")
        if not name.strip():
            raise CommandError("Give the token a name with --name.")
        if days is not None and not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days runs from 1 to {MAX_DAYS}.")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        scope = ApiToken.Scope.READ if read_only else ApiToken.Scope.WRITE
        token, text = ApiToken.issue(user, name.strip(), scope=scope, expires_at=expires_at)
        self.stderr.write(
            f"Token {token.shown} for {username} ({token.get_scope_display()}"
            + (f", expires {timezone.localtime(expires_at):%Y-%m-%d %H:%M}" if expires_at else ", no expiry")
            + "). It is shown only this once:"
        )
        self.stdout.write(text)
