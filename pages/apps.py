from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The pages that join the domains: overview, team week, weekly form, change history, demo data."""

    name = "pages"
    verbose_name = _("Weekly pages")

    def ready(self):
        from incidents.signals import incident_recorded
        from pages import overview

        incident_recorded.connect(overview.keep_part_after_incident, dispatch_uid="pages:overview:incident")
