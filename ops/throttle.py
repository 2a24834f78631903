"""Login throttling against password guessing, kept in the database so every worker shares it.

Each failed login is recorded under two keys, the username and the client address. A login attempt is
refused while either key has reached its limit of failures within the sliding window; refused attempts
are not recorded, so the lock lifts exactly one window after the failures that caused it.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.utils import timezone

from ops.models import LoginFailure

USERNAME_MAX_LENGTH = 150


def client_ip(request) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    if settings.TRUST_X_FORWARDED_FOR:
        # The right-most entry is the one our own proxy appended; anything left of it is client-supplied.
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            address = forwarded[-1]
    return address[:100]


def _storable(text: str) -> str:
    """The key as PostgreSQL can store and compare it (no NUL, no lone surrogate)."""
    # The throttle reads the username before the form validates it: a NUL typed there, or sent in
    # X-Forwarded-For, reached the query and made a 500 on PostgreSQL.
    return text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _limits(username: str, ip: str) -> dict[str, int]:
    # Usernames are matched case-insensitively so "Alice" and "alice" share one budget.
    normalized = _storable(username.strip().lower()[:USERNAME_MAX_LENGTH])
    ip = _storable(ip)
    limits = {f"ip:{ip}": settings.LOGIN_THROTTLE_IP_ATTEMPTS}
    if normalized:
        limits[f"user:{normalized}"] = settings.LOGIN_THROTTLE_USER_ATTEMPTS
    return limits


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def seconds_locked(username: str, ip: str, now: dt.datetime | None = None) -> int:
    """Seconds until a login for this username from this address is accepted again; 0 if it is now."""
    now = now or timezone.now()
    limits = _limits(username, ip)
    recent = LoginFailure.objects.filter(key__in=limits, attempted_at__gt=now - _window())
    times: dict[str, list[dt.datetime]] = {key: [] for key in limits}
    for key, attempted_at in recent.order_by("attempted_at").values_list("key", "attempted_at"):
        times[key].append(attempted_at)
    wait = 0.0
    for key, limit in limits.items():
        attempts = times[key]
        if len(attempts) >= limit > 0:
            # The key drops below its limit when its (n - limit + 1)-th newest failure leaves the window.
            unlocks_at = attempts[len(attempts) - limit] + _window()
            wait = max(wait, (unlocks_at - now).total_seconds())
    return math.ceil(wait)


def record_failure(username: str, ip: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    LoginFailure.objects.filter(attempted_at__lte=now - _window()).delete()
    LoginFailure.objects.bulk_create(LoginFailure(key=key, attempted_at=now) for key in _limits(username, ip))


def clear_user(username: str) -> None:
    """A successful login forgives the username's earlier typos; the address keeps its count."""
    keys = [key for key in _limits(username, "") if key.startswith("user:")]
    LoginFailure.objects.filter(key__in=keys).delete()
