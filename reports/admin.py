from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from reports.models import (
    KPI,
    KPIValue,
    PlanItem,
    ReportSection,
    Team,
    TodoItem,
    Week,
    WeeklyReport,
)


class AutocompletePlaceholder(AutocompleteSelect):
    """An autocomplete select whose first option is an empty choice with a visible label.

    Django's renders a required one without an empty first option and an optional one with an empty,
    unlabelled option; HTML refuses both (a required select needs a placeholder first, and an option
    needs text). Select2 still shows its own placeholder (data-placeholder), not this label.
    """

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        options = [option for _group, group_options, _index in groups for option in group_options]
        blank = next((option for option in options if option["value"] == ""), None)
        if blank is None:
            blank = self.create_option(name, "", "", False, 0)
            groups.insert(0, (None, [blank], 0))
        blank["label"] = BLANK_CHOICE_DASH[0][1]
        return groups


class AutocompletePlaceholderMixin:
    """For every ModelAdmin and inline with autocomplete_fields (see AutocompletePlaceholder)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompletePlaceholder(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.action(description=_("Archive selected (keep their history)"), permissions=["change"])
def archive_selected(modeladmin, request, queryset):
    archived = 0
    # One save per row, not queryset.update(), so each archiving leaves a history record.
    for obj in queryset.filter(is_active=True):
        obj.is_active = False
        obj.save(update_fields=["is_active"])
        archived += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d archived.", "%(count)d archived.", archived) % {"count": archived},
        messages.SUCCESS,
    )


class ArchiveNotDeleteMixin:
    """Rows with history are PROTECTed from deletion; point the admin at archiving instead."""

    actions = [archive_selected]

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        if getattr(response, "context_data", {}).get("protected"):
            messages.warning(
                request,
                _(
                    "It has history, so it cannot be deleted. Archive it instead with the list's "
                    "“Archive selected” action; its history stays visible."
                ),
            )
        return response


class BumpsRevisionMixin:
    """Admin writes of what the weekly form shows bump that week's revision.

    A lead's form opened before the admin's save is then a conflict that shows the admin's values,
    instead of writing its old ones back over them.
    """

    def save_model(self, request, obj, form, change):
        # Before and after: a value moved to another week or KPI changes both weeks.
        before = [self.model._default_manager.get(pk=obj.pk)] if change else []
        super().save_model(request, obj, form, change)
        WeeklyReport.objects.showing([*before, obj]).bump_revision()

    def delete_model(self, request, obj):
        # Built before the delete (showing() reads the rows now): afterwards they are gone.
        shown = WeeklyReport.objects.showing([obj])
        super().delete_model(request, obj)
        shown.bump_revision()

    def delete_queryset(self, request, queryset):
        shown = WeeklyReport.objects.showing(list(queryset))
        super().delete_queryset(request, queryset)
        shown.bump_revision()


class BumpsRevisionInlinesMixin:
    """The same for rows saved through an inline (a KPI's values, a key result's updates)."""

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        written = [
            *formset.new_objects,
            *(obj for obj, _fields in formset.changed_objects),
            *formset.deleted_objects,
        ]
        shown = WeeklyReport.objects.showing(written)
        if isinstance(form.instance, WeeklyReport):
            # The report itself was bumped by its save_model; its rows may still touch other weeks.
            shown = shown.exclude(pk=form.instance.pk)
        shown.bump_revision()


@admin.register(Team)
class TeamAdmin(AutocompletePlaceholderMixin, ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "parent", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    filter_horizontal = ["leads", "members"]
    list_select_related = ["parent"]


@admin.register(Week)
class WeekAdmin(admin.ModelAdmin):
    """Read-only: weeks are made by Week.objects.get_for, and moving one would move its whole history."""

    list_display = ["__str__", "starts_on"]
    search_fields = ["starts_on"]
    fields = ["starts_on", "year", "number"]
    date_hierarchy = "starts_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportSectionInline(admin.StackedInline):
    model = ReportSection
    extra = 0


class TodoItemInline(AutocompletePlaceholderMixin, admin.TabularInline):
    model = TodoItem
    fk_name = "report"
    extra = 0
    autocomplete_fields = ["done_in"]


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0


@admin.register(WeeklyReport)
class WeeklyReportAdmin(AutocompletePlaceholderMixin, BumpsRevisionInlinesMixin, SimpleHistoryAdmin):
    list_display = [
        "week",
        "team",
        "status",
        "revision",
        "updated_at",
        "updated_by",
        "is_generated",
    ]
    list_filter = ["status", "team", "is_generated"]
    search_fields = ["team__name", "team__slug", "reflections", "other", "sections__title"]
    list_select_related = ["team", "week", "updated_by"]
    autocomplete_fields = ["team", "week", "updated_by", "submitted_by", "published_by"]
    readonly_fields = ["revision", "created_at", "updated_at"]
    inlines = [ReportSectionInline, TodoItemInline, PlanItemInline]
    date_hierarchy = "week__starts_on"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates

    def save_model(self, request, obj, form, change):
        if change:
            # Row-locked and bumped within the admin's transaction: a lead's form opened before this
            # save is a conflict, and a lead's save landing meanwhile cannot be undone by a stale count.
            current = (
                WeeklyReport.objects.select_for_update().values_list("revision", flat=True).get(pk=obj.pk)
            )
            obj.revision = current + 1
        super().save_model(request, obj, form, change)


class KPIValueInline(AutocompletePlaceholderMixin, admin.TabularInline):
    model = KPIValue
    extra = 0
    autocomplete_fields = ["week"]
    fields = ["week", "value", "note", "is_generated"]
    ordering = ["-week__starts_on"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("week")


@admin.register(KPI)
class KPIAdmin(
    AutocompletePlaceholderMixin, ArchiveNotDeleteMixin, BumpsRevisionInlinesMixin, SimpleHistoryAdmin
):
    list_display = [
        "name",
        "team",
        "group",
        "unit",
        "unit_label",
        "decimals",
        "direction",
        "kind",
        "target",
        "aliases",
        "is_active",
    ]
    list_filter = ["team", "group", "unit", "direction", "kind", "computed_from", "is_active"]
    search_fields = ["name", "aliases", "group", "team__name"]
    list_select_related = ["team"]
    autocomplete_fields = ["team"]
    inlines = [KPIValueInline]


@admin.register(KPIValue)
class KPIValueAdmin(AutocompletePlaceholderMixin, BumpsRevisionMixin, SimpleHistoryAdmin):
    list_display = ["kpi", "week", "value", "note", "updated_at", "updated_by", "is_generated"]
    list_filter = ["kpi__team", "kpi__group", "is_generated"]
    search_fields = ["kpi__name", "note", "week__starts_on"]
    list_select_related = ["kpi", "kpi__team", "week", "updated_by"]
    autocomplete_fields = ["kpi", "week", "updated_by"]
    date_hierarchy = "week__starts_on"


@admin.register(ReportSection)
class ReportSectionAdmin(AutocompletePlaceholderMixin, BumpsRevisionMixin, SimpleHistoryAdmin):
    list_display = ["title", "report", "position"]
    search_fields = ["title", "body"]
    list_select_related = ["report__team", "report__week"]
    autocomplete_fields = ["report"]


@admin.register(TodoItem)
class TodoItemAdmin(AutocompletePlaceholderMixin, BumpsRevisionMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "report", "section_title", "done_in"]
    list_filter = [("done_in", admin.EmptyFieldListFilter), "report__team"]
    search_fields = ["text"]
    list_select_related = ["report__team", "report__week", "done_in__team", "done_in__week"]
    autocomplete_fields = ["report", "done_in"]


@admin.register(PlanItem)
class PlanItemAdmin(AutocompletePlaceholderMixin, BumpsRevisionMixin, SimpleHistoryAdmin):
    list_display = ["text", "report", "is_done"]
    list_filter = ["is_done", "report__team"]
    search_fields = ["text"]
    list_select_related = ["report__team", "report__week"]
    autocomplete_fields = ["report"]
