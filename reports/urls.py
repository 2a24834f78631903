from django.urls import path

from reports.views import dashboards, health, kpi_detail, kpis, weekly_form

urlpatterns = [
    path("", dashboards.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("weeks/<week:week>/", dashboards.department_week, name="department-week"),
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
    path("kpis/", kpis.kpi_list, name="kpi-list"),
    path("kpis/<int:pk>/", kpi_detail.kpi_detail, name="kpi-detail"),
]
