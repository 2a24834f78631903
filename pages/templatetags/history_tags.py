"""`{% load history_tags %}{% recent_changes team week %}`: the latest-changes panel of a team week.

The panel needs only the team and the week, so any page can show it; its changes are one query
(pages/history.py). When the page has the week's `report` in its context, the panel also offers
the workflow actions to whoever may take them: publish (managers, admins) and unlock (admins).
"""

from django import template

from pages.history import recent_changes as load_recent_changes
from reports.access import can_publish, is_admin
from reports.models import WeeklyReport

register = template.Library()


@register.inclusion_tag("reports/_recent_changes.html", takes_context=True)
def recent_changes(context, team, week, limit=10, folded=False):
    report = context.get("report")
    request = context.get("request")
    user = getattr(request, "user", None)
    status = getattr(report, "status", None)
    return {
        "changes": load_recent_changes(team, week, limit=limit),
        "team": team,
        "week": week,
        "csrf_token": context.get("csrf_token"),
        # Folded into a <details> where the page reads top-down and the log is the last thing asked for.
        "folded": folded,
        "show_publish": bool(
            user
            and status == WeeklyReport.Status.SUBMITTED
            and can_publish(user)
            and not context.get("hide_workflow")
        ),
        "show_unlock": bool(
            user
            and status == WeeklyReport.Status.PUBLISHED
            and is_admin(user)
            and not context.get("hide_workflow")
        ),
    }
