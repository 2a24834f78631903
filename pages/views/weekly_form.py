"""The lead's weekly form, and the manager's and admin's publish and unlock actions."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pages import overview, week_form_html
from pages.editing import (
    EditConflict,
    WeekLocked,
    describe_conflict,
    flatten,
    initial_for,
    load_week,
    rebind_after_conflict,
    save_week,
)
from pages.forms import WeekForm
from pages.history import REASON_PUBLISHED, REASON_UNLOCKED
from reports.access import can_publish, get_team_for_edit, get_team_for_read, is_admin
from reports.models import WeeklyReport


def _render(request, data, form, *, status=200, conflict=None, read_only=False):
    kpi_groups, other_kpi_groups = form.kpi_groups(), form.other_kpi_groups()
    return render(
        request,
        "reports/week_form.html",
        {
            "team": data.team,
            "week": data.week,
            "data": data,
            "report": data.report,
            "form": form,
            "conflict": conflict,
            "read_only": read_only,
            "kpi_groups": kpi_groups,
            "other_kpi_groups": other_kpi_groups,
            "other_kpis_have_errors": form.other_kpis_have_errors(other_kpi_groups),
            # The long loops, printed in Python (pages/week_form_html.py says why).
            "kpi_tables": week_form_html.kpi_tables(kpi_groups),
            "other_kpi_tables": week_form_html.kpi_tables(other_kpi_groups),
            "objective_tables": week_form_html.objective_tables(form.objective_groups()),
            "incident_records": week_form_html.incident_records(form.incidents),
            "section_rows": week_form_html.section_rows(form.sections),
            "todo_rows": week_form_html.todo_rows(form.todos),
            # The blank record the page's script copies to add another (not shown when read-only).
            "incident_template": ""
            if read_only
            else week_form_html.incident_record(form.incidents.empty_form),
        },
        status=status,
    )


def _fresh_form(data, *, read_only=False) -> WeekForm:
    initial = initial_for(data)
    initial["opened"] = json.dumps(flatten(initial), ensure_ascii=False)
    return WeekForm(data, initial=initial, read_only=read_only)


def _week_with_neighbours(week):
    # The page links the weeks before and after; at the calendar's ends (0001-W01) those do not exist.
    try:
        week.previous(), week.next()
    except (ValueError, OverflowError) as error:
        raise Http404 from error
    return week


@login_required
def edit_week(request, team, week):
    team = get_team_for_edit(request.user, team)
    week = _week_with_neighbours(week)
    data = load_week(team, week)
    admin = is_admin(request.user)
    read_only = data.is_locked and not admin
    if read_only:
        message = _("This week is published and locked. Only an admin can unlock it.")
        if request.method == "POST":
            messages.error(request, message)
            return _render(request, data, _fresh_form(data, read_only=True), status=403, read_only=True)
        messages.warning(request, message)
        return _render(request, data, _fresh_form(data, read_only=True), read_only=True)

    if request.method != "POST":
        return _render(request, data, _fresh_form(data))

    form = WeekForm(data, data=request.POST, initial=initial_for(data))
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the marked fields."))
        return _render(request, data, form, status=400)
    try:
        save_week(data, form, request.user, allow_locked=admin)
    except (EditConflict, WeekLocked) as error:
        fresh = load_week(team, week)
        if isinstance(error, WeekLocked) or (fresh.is_locked and not admin):
            messages.error(request, _("This week was published meanwhile; nothing was saved."))
            return _render(request, fresh, _fresh_form(fresh, read_only=True), status=403, read_only=True)
        conflict = describe_conflict(fresh, form)
        messages.warning(
            request,
            _(
                "Someone else saved this week after you opened it. Nothing of yours was saved yet: "
                "review the differences below, then save again to apply your version."
            ),
        )
        return _render(request, fresh, rebind_after_conflict(fresh, form), status=409, conflict=conflict)

    if form.wants_submit:
        messages.success(request, _("The week is submitted."))
    else:
        messages.success(request, _("Draft saved."))
    return redirect("team-week-edit", team=team.slug, week=week)


def _locked_report_or_404(team, week) -> WeeklyReport:
    # Row-locked so the revision bump cannot interleave with a form save (callers are atomic).
    report = get_object_or_404(
        WeeklyReport.objects.select_for_update(), team=team, week__starts_on=week.monday
    )
    report.team = team
    return report


@login_required
@require_POST
@transaction.atomic
def publish_week(request, team, week):
    team = get_team_for_read(request.user, team)
    if not can_publish(request.user):
        raise PermissionDenied(_("Only a manager or an admin can publish a week."))
    report = _locked_report_or_404(team, week)
    if report.status != WeeklyReport.Status.SUBMITTED:
        messages.error(request, _("Only a submitted week can be published."))
        return redirect("team-week", team=team.slug, week=week)
    report.status = WeeklyReport.Status.PUBLISHED
    report.published_at = timezone.now()
    report.published_by = request.user
    report.revision = _bumped_revision(report)
    report._history_user = request.user
    report._change_reason = REASON_PUBLISHED
    report.save()
    overview.keep_part_after_write(team.pk, week)
    messages.success(request, _("Published; the week is now locked."))
    return redirect("team-week", team=team.slug, week=week)


@login_required
@require_POST
@transaction.atomic
def unlock_week(request, team, week):
    team = get_team_for_read(request.user, team)
    if not is_admin(request.user):
        raise PermissionDenied(_("Only an admin can unlock a published week."))
    report = _locked_report_or_404(team, week)
    if not report.is_locked:
        messages.error(request, _("This week is not locked."))
        return redirect(reverse("team-week-edit", kwargs={"team": team.slug, "week": week}))
    report.status = WeeklyReport.Status.SUBMITTED
    # Unlocked is no longer published: the page must not keep saying who published it and when.
    report.published_at = None
    report.published_by = None
    report.revision = _bumped_revision(report)
    report._history_user = request.user
    report._change_reason = REASON_UNLOCKED
    report.save()
    overview.keep_part_after_write(team.pk, week)
    messages.success(request, _("Unlocked; the week is back to submitted and can be edited."))
    return redirect(reverse("team-week-edit", kwargs={"team": team.slug, "week": week}))


def _bumped_revision(report: WeeklyReport) -> int:
    """Publishing or unlocking changes what an open form may do: it must reload before saving."""
    WeeklyReport.objects.filter(pk=report.pk).bump_revision(report.team_id)
    # The row is locked (`_locked_report_or_404`), so nothing moved it between the read and the bump.
    return report.revision + 1
