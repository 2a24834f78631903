"""`{% load history_tags %}{% recent_changes team week %}`: the latest-changes panel of a team week.

The panel needs only the team and the week, so any page can show it; it reads a fixed number of
queries (reports/history.py), whatever the history's size.
"""

from django import template

from reports.history import recent_changes as load_recent_changes

register = template.Library()


@register.inclusion_tag("reports/_recent_changes.html")
def recent_changes(team, week, limit=10):
    return {"changes": load_recent_changes(team, week, limit=limit), "team": team, "week": week}
