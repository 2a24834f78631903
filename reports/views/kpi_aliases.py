"""The other names of a KPI, which the importer matches: edited on the KPI's page by its team's leads."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from reports.access import can_edit_team
from reports.models import KPI


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


class KPIAliasesForm(forms.ModelForm):
    class Meta:
        model = KPI
        fields = ["aliases"]
        labels = {"aliases": gettext_lazy("Other names")}

    def clean_aliases(self):
        names = [name.strip() for name in self.cleaned_data["aliases"].replace("，", ",").split(",")]
        names = list(dict.fromkeys(name for name in names if name))
        # An alias another KPI of the team already answers to would make the importer guess.
        taken = {}
        for other in KPI.objects.filter(team=self.instance.team).exclude(pk=self.instance.pk):
            for name in [other.name, *other.alias_list()]:
                taken[_key(name)] = other.name
        for name in names:
            if _key(name) in taken:
                raise forms.ValidationError(
                    _("“%(alias)s” already names the KPI “%(other)s” of this team.")
                    % {"alias": name, "other": taken[_key(name)]}
                )
        return ", ".join(names)


@login_required
@require_POST
def kpi_aliases(request, pk: int):
    kpi = get_object_or_404(KPI.objects.select_related("team"), pk=pk)
    if not can_edit_team(request.user, kpi.team):
        raise PermissionDenied
    form = KPIAliasesForm(request.POST, instance=kpi)
    if form.is_valid():
        form.save()
        messages.success(request, _("Other names of %(kpi)s saved.") % {"kpi": kpi.name})
    else:
        for error in form.errors.get("aliases", []):
            messages.error(request, error)
    return redirect(kpi)
