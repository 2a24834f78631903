from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The hooks on report status changes and new incidents (notifications/signals.py).
        from notifications import signals  # noqa: F401
