"""The weekly document: Markdown downloads, print pages, and the import with its preview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from documents import export
from documents.forms import ImportForm
from documents.importer import ImportRefused
from documents.importer import import_report as write_import
from reports.access import get_team_for_edit, get_team_for_read, is_admin
from reports.models import WeeklyReport

MARKDOWN = "text/markdown; charset=utf-8"


def _download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=MARKDOWN)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def team_week_markdown(request, team, week):
    team = get_team_for_read(request.user, team)
    return _download(export.team_week_markdown(team, week), f"{team.slug}-{week}.md")


@login_required
def team_week_print(request, team, week):
    team = get_team_for_read(request.user, team)
    team_week = export.collect([team], week)[0]
    return render(request, "documents/print.html", {"team": team, "week": week, "team_week": team_week})


@login_required
def department_document(request, week):
    team_weeks = export.department_team_weeks(week)
    return render(request, "documents/department.html", {"week": week, "team_weeks": team_weeks})


@login_required
def department_markdown(request, week):
    text = export.render_department(export.department_team_weeks(week), week)
    return _download(text, f"department-{week}.md")


@login_required
def import_report(request, team):
    team = get_team_for_edit(request.user, team)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        parsed = form.cleaned_data["parsed"]
        locked = WeeklyReport.objects.filter(
            team=team, week__starts_on=parsed.week.monday, status=WeeklyReport.Status.PUBLISHED
        ).exists()
        may_write = not locked or is_admin(request.user)
        if "confirm" in request.POST and may_write:
            try:
                result = write_import(parsed, team, request.user, allow_locked=is_admin(request.user))
            except ImportRefused as error:
                form.add_error(None, str(error))
            else:
                for warning in result.warnings:
                    messages.warning(request, warning)
                if result.changed:
                    messages.success(request, _("Imported %(week)s.") % {"week": parsed.week})
                else:
                    messages.info(request, _("%(week)s was already up to date.") % {"week": parsed.week})
                return redirect("team-week", team=team.slug, week=parsed.week)
        else:
            return render(
                request,
                "documents/import_preview.html",
                {
                    "team": team,
                    "parsed": parsed,
                    "text": form.cleaned_data["text"],
                    "week_given": form.cleaned_data.get("week") or "",
                    "locked": locked,
                    "may_write": may_write,
                },
            )
    return render(request, "documents/import.html", {"team": team, "form": form})
