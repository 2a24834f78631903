"""Whole rendered pages, cached under the data version they were rendered from.

A dashboard shows the same HTML to everyone with the same language and role until report data
changes, and the data version (ops/data_version.py) changes with every committed write. So a cached
page is keyed on that token and can never be stale: after a write the next view renders afresh.

Two things on a page belong to the person and the request, not to the data: the CSRF token of its
forms and the name in the top bar. They are rendered as markers and filled in on every response.
The markers are HTML comments, which escaped text cannot produce and the Markdown sanitiser strips,
so no user-written text can ever be taken for one.

Pages with one-off messages ("Saved.") are rendered fresh: those messages are for one response only.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ops import data_version

CACHE_ALIAS = "pages"
CSRF_MARKER = mark_safe("<!--rs:csrf-token-->")
WHOAMI_MARKER = mark_safe("<!--rs:whoami-->")
MARKERS = (CSRF_MARKER, WHOAMI_MARKER)
MARKER_SPLIT = re.compile("(" + "|".join(re.escape(marker) for marker in MARKERS) + ")")


def has_pending_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and len(storage))


def cache_key(request: HttpRequest, token: str, variant: tuple) -> str:
    parts = (token, get_language(), request.get_full_path(), request.user.is_staff, *variant)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"page:{digest}"


def freeze(html: str) -> tuple[bytes | str, ...]:
    """The page encoded once and cut at its markers, so a hit only joins bytes: [bytes, marker, bytes…]."""
    return tuple(part if part in MARKERS else part.encode() for part in MARKER_SPLIT.split(html))


def personalise(request: HttpRequest, frozen: tuple[bytes | str, ...]) -> bytes:
    user = request.user
    # One CSRF token per response, as a rendered page has: each get_token() draws and masks anew.
    fills = {
        CSRF_MARKER: get_token(request).encode(),
        WHOAMI_MARKER: conditional_escape(user.get_full_name() or user.get_username()).encode(),
    }
    return b"".join(part if isinstance(part, bytes) else fills[part] for part in frozen)


def cached_page(request: HttpRequest, template_name: str, build_context, variant: tuple = ()) -> HttpResponse:
    """Render `template_name` with `build_context()`, or reuse its rendering for the same data.

    `variant` holds everything besides the URL, language and data that changes the page for this
    user, such as whether they may edit the team: users who differ in it never share a rendering.
    `build_context` is only called when the page has to be rendered.
    """
    token = data_version.for_request(request)
    if token is None or has_pending_messages(request):
        return HttpResponse(render_to_string(template_name, build_context(), request))
    cache = caches[CACHE_ALIAS]
    key = cache_key(request, token, variant)
    frozen = cache.get(key)
    if frozen is None:
        context = {**build_context(), "csrf_token": CSRF_MARKER, "whoami": WHOAMI_MARKER}
        frozen = freeze(render_to_string(template_name, context, request))
        cache.set(key, frozen, settings.PAGE_CACHE_SECONDS)
    return HttpResponse(personalise(request, frozen))
