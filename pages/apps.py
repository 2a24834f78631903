from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The pages that join the domains: overview, team week, weekly form, change history, demo data."""

    name = "pages"
    verbose_name = _("Weekly pages")
