"""Personal API tokens: a user's key for scripts and tools, stored only as a keyed hash."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

TOKEN_START = "rsk_"
PREFIX_LENGTH = 8
# Recording every use would write a row per API call; once a minute says as much to the person.
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


def digest(secret: str) -> str:
    """HMAC-SHA256 under the server's SECRET_KEY: a leaked table alone gives no usable token."""
    return salted_hmac("api.ApiToken", secret, algorithm="sha256").hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A personal token: acts as its owner, never beyond them, read-only or read-write, until it expires."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    # The token's public start, shown in lists so people can tell tokens apart, and the lookup key.
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at", "digest"])

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        # A user's token page lists their tokens, newest first.
        indexes = [models.Index(fields=["user", "created_at"], name="api_token_user_created")]

    def __str__(self):
        return f"{self.name} ({TOKEN_START}{self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def shown(self) -> str:
        return f"{TOKEN_START}{self.prefix}…"

    @classmethod
    def issue(
        cls, user, name: str, *, scope: str, expires_at=None, history_user=None
    ) -> tuple[ApiToken, str]:
        """A new token and its secret text, which is returned this once and never stored."""
        while True:
            prefix = secrets.token_hex(PREFIX_LENGTH // 2)
            if not cls.objects.filter(prefix=prefix).exists():
                break
        text = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        token = cls(
            user=user, name=name, scope=scope, expires_at=expires_at, prefix=prefix, digest=digest(text)
        )
        token._history_user = history_user or user
        token.save()
        return token, text

    @classmethod
    def find(cls, text: str) -> ApiToken | None:
        """The token this text is, whatever its state, or None; the hash is compared in constant time."""
        if not text.startswith(TOKEN_START):
            return None
        prefix = text[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH]
        token = cls.objects.select_related("user").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(token.digest, digest(text)):
            return None
        return token

    def revoke(self, by) -> None:
        self.revoked_at = timezone.now()
        self._history_user = by
        self.save(update_fields=["revoked_at"])

    def record_use(self) -> None:
        now = timezone.now()
        if self.last_used_at and now - self.last_used_at < LAST_USE_RESOLUTION:
            return
        # update(): no history row and no data version bump for a timestamp no page shows.
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
