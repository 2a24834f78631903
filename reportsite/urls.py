from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from common.quarters import QuarterConverter
from common.weeks import IsoWeekConverter
from reportsite.auth import ThrottledLoginView

register_converter(IsoWeekConverter, "week")
register_converter(QuarterConverter, "quarter")

admin.site.site_header = "reportsite"
admin.site.site_title = "reportsite"

urlpatterns = [
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's own login form would bypass throttling; send it to ours, keeping ?next=.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("", include("ops.urls")),
    path("", include("pages.urls")),
    path("", include("reports.urls")),
    path("", include("okrs.urls")),
    path("", include("incidents.urls")),
    path("", include("documents.urls")),
    path("", include("notifications.urls")),
    path("", include("api.urls")),
]
