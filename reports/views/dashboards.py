"""The week dashboards: the department overview and one team's week. Every logged-in user reads them."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from reports import dashboards
from reports.access import can_edit_team, get_team_for_read
from reports.weeks import IsoWeek


@require_GET
@login_required
def home(request):
    week = dashboards.latest_week_with_data() or dashboards.current_week()
    return redirect("department-week", week=week)


@require_GET
@login_required
def department_week(request, week: IsoWeek):
    overview = dashboards.department_week(week)
    return render(
        request,
        "reports/department_week.html",
        {"week": week, "previous_week": week.previous(), "next_week": week.next(), "overview": overview},
    )


@require_GET
@login_required
def team_week(request, team: str, week: IsoWeek):
    team = get_team_for_read(request.user, team)
    data = dashboards.team_week(team, week)
    return render(
        request,
        "reports/team_week.html",
        {
            "team": team,
            "week": week,
            "previous_week": week.previous(),
            "next_week": week.next(),
            "data": data,
            "report": data.report,
            "can_edit": can_edit_team(request.user, team),
        },
    )
