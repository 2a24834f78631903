from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from okrs.models import KeyResult, KeyResultUpdate, Objective
from reports.admin import (
    ArchiveNotDeleteMixin,
    AutocompletePlaceholderMixin,
    BumpsRevisionInlinesMixin,
    BumpsRevisionMixin,
)


class KeyResultInline(AutocompletePlaceholderMixin, admin.TabularInline):
    model = KeyResult
    extra = 0
    fields = ["position", "title", "owner", "eta", "measure", "is_active"]
    autocomplete_fields = ["owner"]
    show_change_link = True


@admin.register(Objective)
class ObjectiveAdmin(AutocompletePlaceholderMixin, ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ["code", "title", "team", "period", "is_active"]
    list_filter = ["team", "period", "is_active"]
    search_fields = ["code", "title", "team__name"]
    list_select_related = ["team"]
    autocomplete_fields = ["team"]
    inlines = [KeyResultInline]


class KeyResultUpdateInline(AutocompletePlaceholderMixin, admin.TabularInline):
    model = KeyResultUpdate
    extra = 0
    fields = ["week", "progress", "current_value", "status", "note"]
    autocomplete_fields = ["week"]
    ordering = ["-week__starts_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("week")


@admin.register(KeyResult)
class KeyResultAdmin(
    AutocompletePlaceholderMixin, ArchiveNotDeleteMixin, BumpsRevisionInlinesMixin, SimpleHistoryAdmin
):
    list_display = ["title", "objective", "owner", "eta", "measure", "is_active"]
    list_filter = ["objective__team", "objective__code", "measure", "is_active"]
    search_fields = ["title", "description", "objective__title"]
    list_select_related = ["objective__team", "owner"]
    autocomplete_fields = ["objective", "owner"]
    inlines = [KeyResultUpdateInline]


@admin.register(KeyResultUpdate)
class KeyResultUpdateAdmin(AutocompletePlaceholderMixin, BumpsRevisionMixin, SimpleHistoryAdmin):
    list_display = [
        "key_result",
        "week",
        "progress",
        "current_value",
        "status",
        "updated_by",
        "is_generated",
    ]
    list_filter = ["status", "key_result__objective__team", "is_generated"]
    search_fields = ["key_result__title", "note"]
    list_select_related = ["key_result", "week", "updated_by"]
    autocomplete_fields = ["key_result", "week", "updated_by"]
    date_hierarchy = "week__starts_on"
