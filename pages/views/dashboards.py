"""The week dashboards: the department overview and one team's week. Every logged-in user reads them."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from common.quarters import Quarter
from common.weeks import IsoWeek
from ops.page_cache import cached_page
from pages import dashboards, overview
from reports.access import can_edit_team_slug, can_publish, get_team_for_read, is_admin
from reports.models import WeeklyReport


@require_safe
@login_required
def home(request):
    week = dashboards.latest_week_with_data() or dashboards.current_week()
    return redirect("department-week", week=week)


@require_safe
@login_required
def department_week(request, week: IsoWeek):
    def build_context():
        return {
            "week": week,
            "previous_week": week.previous(),
            "next_week": week.next(),
            "quarter": Quarter.of_week(week),
            "overview": overview.department_week(week),
        }

    return cached_page(request, "reports/department_week.html", build_context)


@require_safe
@login_required
def team_week(request, team: str, week: IsoWeek):
    # Everything the cache key needs comes from the URL and the user, so a page served from the cache
    # does not even load the team; an unknown team is a 404 when the page is rendered.
    can_edit = can_edit_team_slug(request.user, team)
    may_publish, may_unlock = can_publish(request.user), is_admin(request.user)

    def build_context():
        team_row = get_team_for_read(request.user, team)
        data = dashboards.team_week(team_row, week)
        status = data.report.status if data.report else None
        return {
            "quarter": Quarter.of_week(week),
            # The workflow actions sit in the page head; the change log at the foot only lists.
            "show_publish": may_publish and status == WeeklyReport.Status.SUBMITTED,
            "show_unlock": may_unlock and status == WeeklyReport.Status.PUBLISHED,
            "team": team_row,
            "week": week,
            "previous_week": week.previous(),
            "next_week": week.next(),
            "data": data,
            "report": data.report,
            "can_edit": can_edit,
        }

    # The roles that change the page: the edit links, and the publish and unlock buttons.
    variant = (can_edit, may_publish, may_unlock)
    return cached_page(request, "reports/team_week.html", build_context, variant)
