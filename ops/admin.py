from django.contrib import admin

from ops.models import LoginFailure


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Admins lift a lockout early by deleting the user's or address's rows."""

    list_display = ["key", "attempted_at"]
    search_fields = ["key"]
    date_hierarchy = "attempted_at"
