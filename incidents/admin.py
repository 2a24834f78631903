from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from incidents.forms import refuse_moments_out_of_range
from incidents.models import FollowUpAction, Incident
from reports.admin import AutocompletePlaceholderMixin, BumpsRevisionInlinesMixin, BumpsRevisionMixin


class IncidentAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        refuse_moments_out_of_range(self, data)
        return data


class FollowUpActionInline(AutocompletePlaceholderMixin, admin.TabularInline):
    model = FollowUpAction
    extra = 0
    autocomplete_fields = ["owner"]


@admin.register(Incident)
class IncidentAdmin(
    AutocompletePlaceholderMixin, BumpsRevisionMixin, BumpsRevisionInlinesMixin, SimpleHistoryAdmin
):
    form = IncidentAdminForm
    list_display = [
        "title",
        "team",
        "started_at",
        "grade",
        "kind",
        "detection",
        "responsibility_share",
        "resolved_at",
    ]
    list_filter = ["team", "grade", "kind", "detection", "is_generated"]
    search_fields = ["title", "affected_system", "description", "impact", "cause", "resolution"]
    list_select_related = ["team", "week"]
    autocomplete_fields = ["team"]
    date_hierarchy = "started_at"
    readonly_fields = ["week"]
    inlines = [FollowUpActionInline]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(AutocompletePlaceholderMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "incident", "owner", "due_on", "done_on"]
    list_filter = [("done_on", admin.EmptyFieldListFilter)]
    search_fields = ["description", "incident__title"]
    list_select_related = ["incident", "owner"]
    autocomplete_fields = ["incident", "owner"]
