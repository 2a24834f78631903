"""The outbox worker's work: claim due notifications, deliver each, record the answer, retry or give up.

Claiming (PostgreSQL): `SELECT … FOR UPDATE SKIP LOCKED` picks due rows no other worker holds, and the
same transaction marks them `sending` with a lease, so any number of workers deliver each row once. A
worker that dies mid-delivery leaves its rows to be claimed again when the lease runs out (counted as an
attempt). SQLite ignores FOR UPDATE and has one writer: run one worker there (README).

Delivery happens outside any transaction, so a slow platform never holds a lock, and never inside the
save that caused it: a failed delivery never costs a save.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications import addresses, platforms
from notifications.message import Message
from notifications.models import Channel, DeliveryAttempt, Notification

log = logging.getLogger(__name__)

ANSWER_LIMIT = 2000
BATCH = 10

# Per process: when each channel last got a message, so a burst is spread out (DingTalk takes ~20/min).
_last_sent: dict[int, float] = {}
_last_sent_lock = threading.Lock()


@dataclass
class Outcome:
    ok: bool
    permanent: bool = False
    http_status: int | None = None
    answer: str = ""
    error: str = ""


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter after the `attempt`-th failure: half the step fixed, half random."""
    step = min(settings.NOTIFY_RETRY_MAX_SECONDS, settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    return step / 2 + random.uniform(0, step / 2)


def _lease() -> dt.timedelta:
    per_message = settings.NOTIFY_HTTP_TIMEOUT_SECONDS + settings.NOTIFY_CHANNEL_INTERVAL_SECONDS
    return dt.timedelta(seconds=BATCH * per_message + 60)


def claim(limit: int = BATCH, only: list[int] | None = None) -> list[Notification]:
    """Due notifications no other worker holds, marked as ours; each claim counts as an attempt."""
    now = timezone.now()
    with transaction.atomic():
        due = Notification.objects.due(now)
        if only is not None:
            due = due.filter(pk__in=only)
        ids = list(
            due.order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.SENDING, lease_until=now + _lease(), attempts=F("attempts") + 1
        )
    return list(
        Notification.objects.filter(pk__in=ids).select_related("channel").order_by("next_attempt_at", "pk")
    )


def _scrub(text: str, channel: Channel | None) -> str:
    """Errors must never carry the credentials (a URL in an exception, a secret echoed back)."""
    if channel:
        for credential in (channel.url, channel.secret):
            if credential and len(credential) >= 4:
                text = text.replace(credential, "…")
    # The answer is the receiver's to choose: a NUL (PostgreSQL refuses it in text) or a lone surrogate
    # decoded from a JSON escape (no page can encode it) made the attempt's record fail, not the try.
    text = text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
    return text[:ANSWER_LIMIT]


def _pace(channel_id: int) -> None:
    interval = settings.NOTIFY_CHANNEL_INTERVAL_SECONDS
    if interval <= 0:
        return
    with _last_sent_lock:
        wait = _last_sent.get(channel_id, 0) + interval - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    with _last_sent_lock:
        _last_sent[channel_id] = time.monotonic()


def post(request: platforms.Request, kind: str) -> Outcome:
    http = urllib.request.Request(request.url, data=request.body, headers=request.headers, method="POST")
    try:
        with addresses.opener().open(http, timeout=settings.NOTIFY_HTTP_TIMEOUT_SECONDS) as response:
            status, answer = response.status, response.read(ANSWER_LIMIT * 2).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status = error.code
        answer = error.read(ANSWER_LIMIT).decode("utf-8", "replace") if error.fp else ""
    except TimeoutError:
        return Outcome(False, error="timed out")
    except urllib.error.URLError as error:
        # The address will not become public by retrying: the channel needs another URL.
        permanent = isinstance(error.reason, addresses.BlockedAddress)
        return Outcome(False, permanent=permanent, error=f"connection failed: {error.reason}")
    except addresses.BlockedAddress as error:
        return Outcome(False, permanent=True, error=f"connection failed: {error}")
    except (OSError, ValueError) as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}")
    verdict = platforms.judge(kind, status, answer)
    return Outcome(verdict.ok, verdict.permanent, status, answer, verdict.reason)


def email_parts(message: Message, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of a message sent by email, in the notification's language."""
    with translation.override(language):
        html = render_to_string("notifications/email.html", {"message": message, "language": language})
    return " ".join(message.title.split()), message.plain_text(), html


def send_email(message: Message, recipients: list[str], language: str) -> Outcome:
    if not recipients:
        return Outcome(False, permanent=True, error="no recipients")
    subject, text, html = email_parts(message, language)
    email = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, recipients)
    email.attach_alternative(html, "text/html")
    try:
        get_connection().send_messages([email])
    except Exception as error:  # noqa: BLE001 - any SMTP or backend failure is a failed attempt
        return Outcome(False, error=f"{type(error).__name__}: {error}")
    return Outcome(True, answer=f"sent to {len(recipients)} recipient(s)")


def send(notification: Notification) -> Outcome:
    message = Message.from_dict(notification.message)
    channel = notification.channel
    if channel is None:
        return send_email(message, notification.recipients, notification.language)
    if channel.is_email:
        return send_email(message, channel.email_list(), notification.language)
    _pace(channel.pk)
    request = platforms.build_request(
        channel.kind,
        channel.url,
        channel.secret,
        message,
        now=time.time(),
        delivery=notification.pk,
        language=notification.language,
    )
    return post(request, channel.kind)


def deliver(notification: Notification) -> Outcome:
    """One attempt at a claimed notification, recorded, and the row moved on: sent, retried or failed."""
    started = timezone.now()
    clock = time.monotonic()
    if notification.channel is not None and not notification.channel.is_active:
        outcome = Outcome(False, permanent=True, error="channel switched off")
    else:
        try:
            outcome = send(notification)
        except Exception as error:  # noqa: BLE001 - one broken message must not stop the worker
            log.exception("notification %s: unexpected error", notification.pk)
            outcome = Outcome(False, error=f"{type(error).__name__}")
    duration = int((time.monotonic() - clock) * 1000)
    channel = notification.channel
    DeliveryAttempt.objects.create(
        notification=notification,
        number=notification.attempts,
        started_at=started,
        duration_ms=duration,
        ok=outcome.ok,
        http_status=outcome.http_status,
        answer=_scrub(outcome.answer, channel),
        error=_scrub(outcome.error, channel),
    )
    now = timezone.now()
    if outcome.ok:
        fields = {"status": Notification.Status.SENT, "sent_at": now, "last_error": "", "lease_until": None}
    elif outcome.permanent or notification.attempts >= notification.max_attempts:
        fields = {"status": Notification.Status.FAILED, "lease_until": None}
    else:
        fields = {
            "status": Notification.Status.PENDING,
            "next_attempt_at": now + dt.timedelta(seconds=backoff_seconds(notification.attempts)),
            "lease_until": None,
        }
    if not outcome.ok:
        fields["last_error"] = _scrub(outcome.error or outcome.answer, channel)
    Notification.objects.filter(pk=notification.pk).update(**fields)
    for name, value in fields.items():
        setattr(notification, name, value)
    log.info(
        "notification %s (%s, %s): attempt %s %s",
        notification.pk,
        notification.event,
        channel or "email",
        notification.attempts,
        "delivered" if outcome.ok else f"failed: {fields['last_error'][:200]}",
    )
    return outcome


def deliver_due(limit: int = BATCH, only: list[int] | None = None) -> int:
    """Claim and deliver one batch; returns how many were tried."""
    claimed = claim(limit, only)
    for notification in claimed:
        deliver(notification)
    return len(claimed)
