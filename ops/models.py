"""Operational records that are not report data: failed logins kept for throttling, the data version."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """One failed login, recorded once per throttling key (username and client address)."""

    key = models.CharField(_("key"), max_length=200)
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)

    class Meta:
        ordering = ["-attempted_at"]
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [
            # The throttle counts a key's failures since the window start on every login POST.
            models.Index(fields=["key", "attempted_at"], name="ops_loginfailure_key_time"),
            # Expired rows are swept by time on every recorded failure.
            models.Index(fields=["attempted_at"], name="ops_loginfailure_time"),
        ]

    def __str__(self):
        return f"{self.key} @ {self.attempted_at:%Y-%m-%d %H:%M:%S}"


class DataVersion(models.Model):
    """One row whose token changes after every committed write to report data.

    Rendered pages are cached under the token they were rendered with (ops/page_cache.py), so a new
    token makes every earlier rendering unreachable at once, in every server process. A random token
    rather than a counter: a restored backup or a rolled-back bump can never bring back a value that
    old renderings are still cached under.
    """

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return self.token


class ScopedDataVersion(models.Model):
    """A token per team that changes after every committed write to that team's rows.

    The overview keeps each team's part under its team's token (pages/overview.py), so a lead's save
    re-renders one team's card, not thirty. Scope 0 is the department: it changes with writes that no
    single team owns (a week changed, a restore), and every team's part is keyed on it as well. Scope -1
    is the people: a person's name is printed beside rows (an item's owner) but counts in no team's
    figures, so a write to people renews only what parts print, not the parts.
    """

    DEPARTMENT = 0
    PEOPLE = -1

    scope = models.IntegerField(unique=True)
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("scoped data version")
        verbose_name_plural = _("scoped data versions")

    def __str__(self):
        return f"{self.scope}: {self.token}"


class KeptFragment(models.Model):
    """A rendered part of a page kept in the database, so every server process shares it and restarts keep it.

    Written by ops/fragment_store.py behind each process's memory. Keys name the data they were built
    from (the overview's keys hold the team's and the department's data version), so an entry never
    goes stale; entries not written again for a while are swept by age.
    """

    key = models.CharField(_("key"), max_length=250, primary_key=True)
    value = models.BinaryField(_("value"))
    written_at = models.DateTimeField(_("written at"), db_index=True)

    class Meta:
        verbose_name = _("kept fragment")
        verbose_name_plural = _("kept fragments")

    def __str__(self):
        return self.key
