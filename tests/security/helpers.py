"""Shared by the security tests: every URL pattern as a sample path, and a census of every row."""

from __future__ import annotations

import re

from django.apps import apps
from django.urls import get_resolver
from django.urls.resolvers import URLResolver

# A value for each path converter; the team and week match the `world` fixtures below.
CONVERTER_SAMPLES = {
    "week": "2024-W33",
    "quarter": "2024-Q3",
    "slug": "payments",
    "int": "1",
    "path": "1",
    "str": "1",
    "": "1",
}
# Named regex groups whose value must have a shape (the API's week detail takes the week's Monday).
REGEX_GROUP_SAMPLES = {"starts_on": "2024-08-12"}
APPS = ("reports", "okrs", "incidents")


def _route_sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda match: CONVERTER_SAMPLES[match.group(1) or ""], route)


def _regex_sample(regex: str) -> str:
    regex = regex.replace("^", "").replace("$", "")
    # A named alternation (the admin's app list) takes its first choice; any other group is an id.
    regex = re.sub(r"\(\?P<\w+>(\w+)(?:\|\w+)*\)", r"\1", regex)
    for group, sample in REGEX_GROUP_SAMPLES.items():
        regex = re.sub(rf"\(\?P<{group}>[^)]*\)", sample, regex)
    return re.sub(r"\((?:\?P<\w+>)?[^)]*\)", "1", regex)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        text = str(pattern.pattern)
        sample = _regex_sample(text) if text.startswith("^") or "(?P<" in text else _route_sample(text)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + sample)
        else:
            yield prefix + sample, pattern


def every_url() -> list[tuple[str, str]]:
    """(sample path, label) for every URL pattern of the site, admin included."""
    seen = {}
    for path, pattern in _walk(get_resolver().url_patterns):
        label = pattern.name or str(pattern.pattern)
        seen.setdefault("/" + path, label)
    return sorted(seen.items())


# Worked out from the data by any page that ranks a week (reports/week_figures.py,
# okrs/kept_look_back.py), like the kept fragments of ops: a view that writes them wrote no data.
DERIVED = {"reports.KpiValueFigures", "okrs.KeyResultUpdateFigures"}


def census() -> dict[str, int]:
    """Row counts of every table of the domain apps, history tables included, plus users."""
    counts = {
        model._meta.label: model._default_manager.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label not in DERIVED
    }
    counts["auth.User"] = apps.get_model("auth", "User").objects.count()
    return counts
