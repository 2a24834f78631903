"""The weekly document: Markdown downloads, print pages, and the import with its preview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from documents import export
from documents.forms import ImportForm
from documents.importer import ImportRefused, parse_document
from documents.importer import import_report as write_import
from documents.importer.batch import LEAVE, apply_decisions, check_team
from documents.importer.catalogue import catalogue_of
from documents.importer.preview import preview
from reports.access import get_team_for_edit, get_team_for_read, is_admin
from reports.models import WeeklyReport

MARKDOWN = "text/markdown; charset=utf-8"


def _download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=MARKDOWN)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@login_required
def team_week_markdown(request, team, week):
    team = get_team_for_read(request.user, team)
    return _download(export.team_week_markdown(team, week), f"{team.slug}-{week}.md")


@require_safe
@login_required
def team_week_print(request, team, week):
    team = get_team_for_read(request.user, team)
    team_week = export.collect([team], week)[0]
    return render(request, "documents/print.html", {"team": team, "week": week, "team_week": team_week})


@require_safe
@login_required
def department_document(request, week):
    team_weeks = export.department_team_weeks(week)
    return render(request, "documents/department.html", {"week": week, "team_weeks": team_weeks})


@require_safe
@login_required
def department_markdown(request, week):
    text = export.render_department(export.department_team_weeks(week), week)
    return _download(text, f"department-{week}.md")


@login_required
def import_report(request, team):
    team = get_team_for_edit(request.user, team)
    form = ImportForm(request.POST or None, request.FILES or None, team=team)
    if request.method != "POST" or not form.is_valid():
        return render(request, "documents/import.html", {"team": team, "form": form})
    reports = form.cleaned_data["reports"]
    admin = is_admin(request.user)
    published = set(
        WeeklyReport.objects.filter(
            team=team, week__starts_on__in=[parsed.week.monday for _source, parsed in reports]
        )
        .filter(status=WeeklyReport.Status.PUBLISHED)
        .values_list("week__starts_on", flat=True)
    )
    may_write = admin or not published
    if "confirm" in request.POST and may_write:
        if len(reports) == 1:
            source, parsed = reports[0]
            decisions = {
                index: request.POST.get(f"unplaced_{index}", LEAVE)
                for index in range(len(parsed.unplaced_figures))
            }
            if apply_decisions(team, parsed.unplaced_figures, decisions):
                # Read again: the figures mapped or created now have their KPI.
                parsed = parse_document(source.text, form.cleaned_data.get("week"), catalogue_of(team))
                check_team(parsed, team)
            reports = [(source, parsed)]
        results = []
        try:
            for _source, parsed in reports:  # week order; one transaction per week
                results.append(write_import(parsed, team, request.user, allow_locked=admin))
        except ImportRefused as error:
            messages.error(request, str(error))
        for result in results:
            for warning in result.warnings:
                messages.warning(request, warning)
            week = result.report.week.iso
            if result.changed:
                messages.success(request, _("Imported %(week)s.") % {"week": week})
            else:
                messages.info(request, _("%(week)s was already up to date.") % {"week": week})
        if len(results) == 1:
            return redirect("team-week", team=team.slug, week=results[0].report.week.iso)
        return redirect("report-import", team=team.slug)
    previews = [preview(team, source, parsed) for source, parsed in reports]
    for shown in previews:
        shown.published = shown.parsed.week.monday in published
    context = {
        "team": team,
        "previews": previews,
        "text": reports[0][0].text if len(reports) == 1 else "",
        "week_given": form.cleaned_data.get("week") or "",
        "locked": bool(published),
        "may_write": may_write,
        "kpis": list(team.kpis.order_by("position", "name")),
        "uploads": len(reports) > 1,
    }
    if len(reports) > 1:
        # Several files: the preview lists them, and the confirm sends them again.
        context["sources"] = [source for source, _parsed in reports]
    return render(request, "documents/import_preview.html", context)
