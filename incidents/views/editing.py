"""Recording an incident from a team's week: the incident and its follow-up actions in one form."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.forms import FollowUpFormSet, IncidentForm, owner_choices
from incidents.models import Incident, week_of
from incidents.signals import incident_recorded
from reports.access import get_team_for_edit, is_admin
from reports.models import WeeklyReport


def _start_of_week(week) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(week.monday, dt.time(9, 0)))


def _record(form, actions, team, *, allow_locked: bool) -> Incident | None:
    """Save the incident and its actions into its week, unless that week is locked; None when refused.

    An incident is part of its week's report: a published week refuses it (only an admin may add),
    and the report's revision is bumped so weekly forms opened before it know the week changed.
    """
    # Both evaluated, so every error shows on the first re-render.
    if not all([form.is_valid(), actions.is_valid()]):
        return None
    week = week_of(form.cleaned_data["started_at"])
    with transaction.atomic():
        # Row-locked, so a publish cannot slip in between this check and the save.
        report = (
            WeeklyReport.objects.select_for_update().filter(team=team, week__starts_on=week.monday).first()
        )
        if report is not None and report.is_locked and not allow_locked:
            form.add_error(
                "started_at",
                _("%(week)s is published and locked: only an admin can add an incident to it.")
                % {"week": week},
            )
            return None
        incident = form.save()
        actions.instance = incident
        for position, action in enumerate(actions.save(commit=False)):
            action.position = position
            action.save()
        if report is not None:
            WeeklyReport.objects.filter(pk=report.pk).bump_revision(report.team_id)
        incident_recorded.send(sender=Incident, team_id=team.pk, week=week)
    return incident


@login_required
def incident_create(request, team, week):
    team = get_team_for_edit(request.user, team)
    incident = Incident(team=team)
    owners = owner_choices()
    if request.method == "POST":
        form = IncidentForm(request.POST, instance=incident)
        actions = FollowUpFormSet(request.POST, instance=incident, prefix="actions", owners=owners)
        incident = _record(form, actions, team, allow_locked=is_admin(request.user))
        if incident is not None:
            saved_week = week_of(incident.started_at)
            if saved_week != week:
                messages.warning(
                    request,
                    _("The incident started in %(week)s, so it is listed in that week.")
                    % {"week": saved_week},
                )
            messages.success(request, _("Incident “%(title)s” recorded.") % {"title": incident.title})
            return redirect("team-week-edit", team=team.slug, week=saved_week)
        messages.error(request, _("Nothing was saved: please correct the marked fields."))
        status = 400
    else:
        form = IncidentForm(instance=incident, initial={"started_at": _start_of_week(week)})
        actions = FollowUpFormSet(instance=incident, prefix="actions", owners=owners)
        status = 200
    return render(
        request,
        "incidents/incident_form.html",
        {"team": team, "week": week, "form": form, "actions": actions},
        status=status,
    )
