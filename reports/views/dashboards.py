"""The week dashboards: the department overview and one team's week. Every logged-in user reads them."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from ops.page_cache import cached_page
from reports import dashboards
from reports.access import can_edit_team, can_publish, get_team_for_read, is_admin
from reports.weeks import IsoWeek


@require_GET
@login_required
def home(request):
    week = dashboards.latest_week_with_data() or dashboards.current_week()
    return redirect("department-week", week=week)


@require_GET
@login_required
def department_week(request, week: IsoWeek):
    def build_context():
        return {
            "week": week,
            "previous_week": week.previous(),
            "next_week": week.next(),
            "overview": dashboards.department_week(week),
        }

    return cached_page(request, "reports/department_week.html", build_context)


@require_GET
@login_required
def team_week(request, team: str, week: IsoWeek):
    team = get_team_for_read(request.user, team)
    can_edit = can_edit_team(request.user, team)

    def build_context():
        data = dashboards.team_week(team, week)
        return {
            "team": team,
            "week": week,
            "previous_week": week.previous(),
            "next_week": week.next(),
            "data": data,
            "report": data.report,
            "can_edit": can_edit,
        }

    # The roles that change the page: the edit links, and the publish and unlock buttons.
    variant = (can_edit, can_publish(request.user), is_admin(request.user))
    return cached_page(request, "reports/team_week.html", build_context, variant)
