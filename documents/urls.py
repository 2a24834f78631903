from django.urls import path

from documents import views

urlpatterns = [
    path(
        "teams/<slug:team>/weeks/<week:week>/report.md",
        views.team_week_markdown,
        name="team-week-markdown",
    ),
    path("teams/<slug:team>/weeks/<week:week>/print/", views.team_week_print, name="team-week-print"),
    path("weeks/<week:week>/document/", views.department_document, name="department-document"),
    path("weeks/<week:week>/document.md", views.department_markdown, name="department-markdown"),
    path("teams/<slug:team>/import/", views.import_report, name="report-import"),
]
