"""Links that a page prints once per row, as functions of the row's id or slug: reverse() once per list.

reverse() is 25–50 µs a call; the overview built from nothing printed a team's week link on each of
its thirty cards and again beside the rows of every list (bench/FINDINGS.md §25).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import reverse

from common.formatting import escape_text as escape
from common.weeks import IsoWeek

_PLACEHOLDER_PK = 999999999
_PLACEHOLDER_SLUG = "reportsite-placeholder-slug"
# What the `slug` path converter takes: such a slug goes into the link as it is, unquoted.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def kpi_detail_href() -> Callable[[int], str]:
    """The KPI page's escaped link as a function of the KPI's id."""
    prefix, suffix = (
        escape(part)
        for part in reverse("kpi-detail", kwargs={"pk": _PLACEHOLDER_PK}).split(str(_PLACEHOLDER_PK))
    )
    return lambda pk: f"{prefix}{pk}{suffix}"


def team_week_href(week: IsoWeek) -> Callable[[str], str]:
    """The escaped link of a team's `week` as a function of the team's slug."""
    prefix, suffix = (
        escape(part)
        for part in reverse("team-week", kwargs={"team": _PLACEHOLDER_SLUG, "week": week}).split(
            _PLACEHOLDER_SLUG
        )
    )

    def href(slug: str) -> str:
        if _SLUG.fullmatch(slug):
            return f"{prefix}{slug}{suffix}"
        # Any other slug (one written past the form's check) gets reverse()'s own answer.
        return escape(reverse("team-week", kwargs={"team": slug, "week": week}))

    return href
