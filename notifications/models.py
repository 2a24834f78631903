"""Where notifications go (channels), what is waiting to go (the outbox) and every try to deliver it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports.models import Team


def mask_url(url: str) -> str:
    """Scheme and host, then only the last four characters: the rest of a webhook URL is its password."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname or ""
    except ValueError:
        scheme, host = "", ""
    # The hint is a 200-character column; a long host name (up to 253) overflowed it on PostgreSQL.
    if len(host) > 100:
        host = "…" + host[-100:]
    return f"{scheme[:10]}://{host}/…{url[-4:]}"


def mask_secret(secret: str) -> str:
    return f"…{secret[-4:]}" if len(secret) >= 12 else ("…" if secret else "")


class Event(models.TextChoices):
    SUBMITTED = "submitted", _("Week submitted")
    PUBLISHED = "published", _("Week published")
    REMINDER = "reminder", _("Reminder: week still missing")
    INCIDENT = "incident", _("New A/B-grade incident")
    DIGEST = "digest", _("Monday digest")
    TEST = "test", _("Test message")


# The events a channel subscribes to, each a boolean field of Channel.
SUBSCRIBABLE = {
    Event.SUBMITTED: "on_submitted",
    Event.PUBLISHED: "on_published",
    Event.REMINDER: "on_reminder",
    Event.INCIDENT: "on_incident",
    Event.DIGEST: "on_digest",
}


class Channel(models.Model):
    """An email list or a chat webhook that receives the department's or one team's notifications."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email list")
        DINGTALK = "dingtalk", _("DingTalk robot")
        FEISHU = "feishu", _("Feishu / Lark bot")
        WECOM = "wecom", _("WeCom group robot")
        SLACK = "slack", _("Slack incoming webhook")
        GENERIC = "generic", _("Generic JSON webhook (HMAC-signed)")

    # The platforms with a signing secret; the others authenticate by the URL alone.
    SIGNED_KINDS = (Kind.DINGTALK, Kind.FEISHU, Kind.GENERIC)

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    team = models.ForeignKey(
        Team,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_channels",
        verbose_name=_("team"),
        help_text=_("Empty: the whole department."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    # Credentials: written, never shown again in full (url_hint and secret_hint are what pages show).
    url = models.TextField(_("webhook URL"), blank=True)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    url_hint = models.CharField(_("webhook URL"), max_length=200, blank=True, editable=False)
    secret_hint = models.CharField(_("signing secret"), max_length=20, blank=True, editable=False)
    emails = models.TextField(
        _("email addresses"), blank=True, help_text=_("One per line or comma-separated.")
    )
    on_submitted = models.BooleanField(_("week submitted"), default=True)
    on_published = models.BooleanField(_("week published"), default=True)
    on_reminder = models.BooleanField(_("reminder"), default=True)
    on_incident = models.BooleanField(_("A/B-grade incident"), default=True)
    on_digest = models.BooleanField(_("Monday digest"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # The URL and secret stay out of the history: it is readable by every admin, for ever.
    history = HistoricalRecords(excluded_fields=["url", "secret"])

    class Meta:
        ordering = ["team__position", "team__name", "name"]
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.url_hint = mask_url(self.url)
        self.secret_hint = mask_secret(self.secret)
        super().save(*args, **kwargs)

    @property
    def is_email(self) -> bool:
        return self.kind == self.Kind.EMAIL

    def email_list(self) -> list[str]:
        return [item.strip() for item in self.emails.replace(",", "\n").splitlines() if item.strip()]

    def scope(self) -> str:
        return self.team.name if self.team_id else str(_("Department"))


class NotificationQuerySet(models.QuerySet):
    def due(self, now):
        """Waiting and due, or claimed by a worker whose lease ran out (it died mid-delivery)."""
        return self.filter(
            Q(status=Notification.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Notification.Status.SENDING, lease_until__lt=now)
        )


class Notification(models.Model):
    """One message for one channel (or for the listed addresses), written in the transaction it announces."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Failed")

    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    channel = models.ForeignKey(
        Channel,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("channel"),
    )
    # Without a channel: the addresses themselves (the reminder to a team's leads).
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    title = models.CharField(_("title"), max_length=300)
    # The platform-neutral message (notifications/message.py), rendered for the platform when sent.
    message = models.JSONField(_("message"))
    # Scheduled events carry a key, so a worker that checks the schedule twice enqueues once.
    key = models.CharField(_("key"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("max attempts"))
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=~Q(key=""),
                name="notifications_notification_unique_key",
                violation_error_message=_("This notification has already been queued."),
            ),
        ]
        indexes = [
            # The worker's claim: due rows by status, oldest first.
            models.Index(fields=["status", "next_attempt_at"], name="notifications_due"),
            # A channel's recent deliveries on its page and the failure counts on the list.
            models.Index(fields=["channel", "status"], name="notifications_channel_status"),
        ]

    def __str__(self):
        return self.title


class DeliveryAttempt(models.Model):
    """One try to deliver a notification, with the platform's answer."""

    notification = models.ForeignKey(
        Notification, models.CASCADE, related_name="delivery_attempts", verbose_name=_("notification")
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    ok = models.BooleanField(_("delivered"), default=False)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["notification", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.notification} #{self.number}"
