from django.urls import path

from pages.views import dashboards, kpi_detail, weekly_form

urlpatterns = [
    path("", dashboards.home, name="home"),
    path("weeks/<week:week>/", dashboards.department_week, name="department-week"),
    path("kpis/<int:pk>/", kpi_detail.kpi_detail, name="kpi-detail"),
    path("teams/<slug:team>/weeks/<week:week>/", dashboards.team_week, name="team-week"),
    path("teams/<slug:team>/weeks/<week:week>/edit/", weekly_form.edit_week, name="team-week-edit"),
    path(
        "teams/<slug:team>/weeks/<week:week>/publish/",
        weekly_form.publish_week,
        name="team-week-publish",
    ),
    path(
        "teams/<slug:team>/weeks/<week:week>/unlock/",
        weekly_form.unlock_week,
        name="team-week-unlock",
    ),
]
