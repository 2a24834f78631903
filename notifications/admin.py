from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from notifications.forms import ChannelForm
from notifications.models import Channel, DeliveryAttempt, Notification


class ChannelAdminForm(ChannelForm):
    """The channel pages' form: the URL and secret stay write-only in the admin too."""


@admin.register(Channel)
class ChannelAdmin(SimpleHistoryAdmin):
    form = ChannelAdminForm
    list_display = ["name", "kind", "team", "language", "url_hint", "is_active"]
    list_filter = ["kind", "language", "is_active", "team"]
    search_fields = ["name", "team__name"]
    list_select_related = ["team"]
    readonly_fields = ["url_hint", "secret_hint"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # With no saved secret the form hides the box, and a label would point at a hidden input.
        if obj is None or not obj.secret_hint:
            fields = [name for name in fields if name != "clear_secret"]
        return fields


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "duration_ms", "ok", "http_status", "answer", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description=_("Retry the selected notifications now"))
def retry_now(modeladmin, request, queryset):
    count = queryset.exclude(status=Notification.Status.SENT).update(
        status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None
    )
    modeladmin.message_user(
        request, _("%(count)s notification(s) queued again.") % {"count": count}, messages.SUCCESS
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "channel",
        "title",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "event", "channel"]
    search_fields = ["title", "last_error", "channel__name"]
    list_select_related = ["channel"]
    date_hierarchy = "created_at"
    actions = [retry_now]
    inlines = [DeliveryAttemptInline]
    readonly_fields = [
        "event",
        "channel",
        "recipients",
        "language",
        "title",
        "message",
        "key",
        "status",
        "attempts",
        "max_attempts",
        "next_attempt_at",
        "lease_until",
        "last_error",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False
