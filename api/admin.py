from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "user",
        "scope",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    # Admins may revoke or shorten a token; they never see or set its secret.
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "scope", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False
