"""The W3C Nu HTML checker over every page, as lead, manager and admin, in English and Chinese: 0 errors.

Pages are fetched with the test client (what the server sends, before any script runs), written to
files and checked in one run of the checker, whose Java start-up would otherwise dominate.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.template import loader
from django.test import Client
from django.urls import reverse

from tests.judges.pages import (
    LANGUAGES,
    NOT_PAGES,
    ROLES,
    load_demo,
    nu_errors,
    pages,
    pattern_names,
    require_vnu,
    sample_kwargs,
)

pytestmark = pytest.mark.django_db


def _client(role: str, language: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_every_page_is_valid_html(tmp_path: Path):
    require_vnu()
    load_demo()
    files: dict[Path, str] = {}

    def keep(label: str, status: int, html: str):
        path = tmp_path / f"page-{len(files):03d}.html"
        path.write_text(html, encoding="utf-8")
        files[path] = label

    for language in LANGUAGES:
        for role in ROLES:
            client = _client(role, language)
            for page in pages():
                response = client.get(page.path)
                # Refusals render the 403 page, which is judged like any other; redirects show nothing.
                if response.status_code in (301, 302):
                    continue
                assert response["Content-Type"].startswith("text/html"), page
                keep(f"{role}/{language} {page}", response.status_code, response.content.decode())
    # The states a GET of one sample never shows (forms with errors, the login, ...): test_states_valid.py.
    keep("500", 500, loader.get_template("500.html").render())
    keep("400", 400, loader.get_template("400.html").render())
    for language in LANGUAGES:
        refused = Client(enforce_csrf_checks=True, headers={"accept-language": language})
        refused.force_login(User.objects.get(username="lead"))
        response = refused.post(reverse("team-week-edit", kwargs={"team": "payments", "week": "2024-W33"}))
        assert response.status_code == 403
        keep(f"CSRF refusal/{language}", 403, response.content.decode())

    errors = nu_errors(list(files))
    assert len(files) > 80
    # Values in quotes differ page by page; the kinds of error are what the message should list.
    summary = Counter(re.sub(r"“[^”]*”", "“…”", message["message"]) for message in errors)
    where = Counter(files[Path(message["url"].removeprefix("file:"))] for message in errors)
    assert not errors, f"{len(errors)} Nu errors: {summary.most_common(10)} on {where.most_common(10)}"


def test_every_url_pattern_has_a_sample():
    """A page added later without a sample here would go unjudged; this names it instead."""
    load_demo()
    assert pattern_names() - NOT_PAGES == set(sample_kwargs())
