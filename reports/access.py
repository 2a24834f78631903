"""Who may do what. Every view asks here first; nothing else decides access.

Roles: admins (superusers) do everything; managers (group "Managers") read everything and
publish; a lead edits the weeks of the teams that list them in Team.leads, and being listed there
is all that grants editing (the "Team leads" group is only admins' bookkeeping and grants nothing);
every other logged-in user reads.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from reports.models import Team

LEADS_GROUP = "Team leads"
MANAGERS_GROUP = "Managers"


def _group_names(user) -> frozenset[str]:
    # Cached on the user object so a page asks the database once, however many checks it makes.
    if not hasattr(user, "_reportsite_groups"):
        user._reportsite_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._reportsite_groups


def _led_team_slugs(user) -> frozenset[str]:
    # Slugs, not ids: a cached team week knows its team by the slug in its URL (ops/page_cache.py).
    if not hasattr(user, "_reportsite_led_team_slugs"):
        user._reportsite_led_team_slugs = frozenset(user.led_teams.values_list("slug", flat=True))
    return user._reportsite_led_team_slugs


def is_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


def is_manager(user) -> bool:
    return is_admin(user) or (user.is_authenticated and MANAGERS_GROUP in _group_names(user))


def can_edit_team(user, team: Team) -> bool:
    return can_edit_team_slug(user, team.slug)


def can_edit_team_slug(user, slug: str) -> bool:
    """can_edit_team without loading the team: the rule for a team known only by its URL."""
    return is_admin(user) or (user.is_authenticated and slug in _led_team_slugs(user))


def can_publish(user) -> bool:
    return is_manager(user)


def get_team_for_read(user, slug: str) -> Team:
    """Any logged-in user reads any team; an unknown slug is a 404."""
    return get_object_or_404(Team, slug=slug)


def get_team_for_edit(user, slug: str) -> Team:
    team = get_object_or_404(Team, slug=slug)
    if not can_edit_team(user, team):
        raise PermissionDenied
    return team
